namespace CodeSigning.Bench;

/// <summary>One thread's way to make one signature; created on the thread that uses it.</summary>
public interface ISignWorker : IDisposable
{
    /// <returns>The signature.</returns>
    byte[] Sign();
}
