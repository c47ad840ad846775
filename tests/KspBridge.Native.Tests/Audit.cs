using CodeSigning.Pkcs11.Native.Tests;
using CodeSigning.V1;

namespace CodeSigning.Ksp.Native.Tests;

/// <summary>The server's audit log, read as the Product Admin: what a KSP call did or did not cause.</summary>
internal static class Audit
{
    public static async Task<List<AuditEvent>> EventsAsync(RealServerFixture real, string signerId, string type)
    {
        using var admin = real.Admin();
        var page = await new AuditService.AuditServiceClient(admin).QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signerId, Types_ = { type } },
            PageSize = 1000,
        });
        return [.. page.Events];
    }
}
