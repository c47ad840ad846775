using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tests;

public sealed class CallFailureTests
{
    [Fact]
    public void A_pkcs11_exception_keeps_its_code()
    {
        var result = CallFailure.ToResult(new Pkcs11Exception(CKR.CKR_SESSION_HANDLE_INVALID, "no such session"), "C_Sign");

        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, result);
    }

    [Fact]
    public void Any_other_exception_is_a_general_error()
    {
        Assert.Equal(CKR.CKR_GENERAL_ERROR, CallFailure.ToResult(new InvalidOperationException("bug"), "C_Sign"));
        Assert.Equal(CKR.CKR_HOST_MEMORY, CallFailure.ToResult(new OutOfMemoryException(), "C_Sign"));
    }
}
