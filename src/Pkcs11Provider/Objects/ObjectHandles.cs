namespace CodeSigning.Pkcs11.Objects;

/// <summary>
/// Object handles for the life of the module: the same (Signer, object) pair always gets the same
/// handle, so handles survive cache refreshes; distinct objects never share one.
/// </summary>
public sealed class ObjectHandles
{
    private readonly Dictionary<(string SignerId, int Index), ulong> _handles = [];
    private readonly Lock _gate = new();

    public ulong For(string signerId, int index)
    {
        lock (_gate)
        {
            if (!_handles.TryGetValue((signerId, index), out var handle))
            {
                handle = (ulong)_handles.Count + 1;
                _handles[(signerId, index)] = handle;
            }

            return handle;
        }
    }
}
