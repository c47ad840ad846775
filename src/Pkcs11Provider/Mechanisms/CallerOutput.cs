using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>
/// The signature buffer of C_Sign / C_SignFinal as the C layer found it: a capacity, none (a size
/// query: NULL buffer), or unusable (NULL length pointer). Read inside the call, like <see cref="CallerInput"/>.
/// </summary>
public readonly struct CallerOutput
{
    private readonly int? _capacity;
    private readonly string? _problem;

    public CallerOutput(int? capacity) => _capacity = capacity;

    private CallerOutput(string problem) => _problem = problem;

    public static CallerOutput Invalid(string problem) => new(problem);

    public static implicit operator CallerOutput(int? capacity) => new(capacity);

    /// <summary>The capacity (null for a size query), or CKR_ARGUMENTS_BAD.</summary>
    public int? Read() => _problem is null ? _capacity : throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD, _problem);
}
