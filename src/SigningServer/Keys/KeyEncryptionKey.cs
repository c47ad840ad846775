namespace CodeSigning.Server.Keys;

/// <summary>One AES-256 key-encryption key of the software vault's ring.</summary>
/// <param name="Id">Written into every reference sealed under it, so the vault knows which KEK opens a reference.</param>
public sealed record KeyEncryptionKey(uint Id, KeyEncryptionKeyState State, byte[] Key)
{
    // Records print their members: keep the key out of any log or exception message.
    public override string ToString() => $"key-encryption key {Id} ({State})";
}
