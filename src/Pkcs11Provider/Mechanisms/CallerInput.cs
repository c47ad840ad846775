using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>
/// A buffer a C_Sign* / C_Verify* caller passed, as the C layer found it: its bytes, or unusable (a
/// NULL pointer with a length, a length out of range). The core reads it inside the call, so a
/// refused argument fails the call, and ends its operation, like any other failure.
/// </summary>
public readonly ref struct CallerInput
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly string? _problem;

    public CallerInput(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    private CallerInput(string problem) => _problem = problem;

    public static CallerInput Invalid(string problem) => new(problem);

    public static implicit operator CallerInput(ReadOnlySpan<byte> bytes) => new(bytes);

    public static implicit operator CallerInput(Span<byte> bytes) => new(bytes);

    public static implicit operator CallerInput(byte[] bytes) => new(bytes);

    /// <summary>The bytes, or CKR_ARGUMENTS_BAD.</summary>
    public ReadOnlySpan<byte> Read() => _problem is null ? _bytes : throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD, _problem);
}
