using System.Security.Cryptography;
using System.Text;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class SignerApi(SignerManager signers) : SignerService.SignerServiceBase
{
    public override Task<ListSignersResponse> ListSigners(ListSignersRequest request, ServerCallContext context)
    {
        var (page, next) = Paging.Page(signers.List(context.Caller()), request.PageSize, request.PageToken);
        return Task.FromResult(new ListSignersResponse { Signers = { page.Select(s => s.ToProto()) }, NextPageToken = next });
    }

    public override Task<V1.Signer> GetSigner(GetSignerRequest request, ServerCallContext context) =>
        Task.FromResult(signers.Get(context.Caller(), request.Signer).ToProto());

    public override Task<V1.Signer> CreateSigner(CreateSignerRequest request, ServerCallContext context) =>
        Task.FromResult(signers.Create(context.Caller(), request).ToProto());

    public override Task<V1.Signer> SetSignerEnabled(SetSignerEnabledRequest request, ServerCallContext context) =>
        Task.FromResult(signers.SetEnabled(context.Caller(), request.Signer, request.Enabled).ToProto());

    public override Task<ExportCertificateChainResponse> ExportCertificateChain(ExportCertificateChainRequest request, ServerCallContext context)
    {
        var (chain, previous) = signers.ExportChain(context.Caller(), request.Signer);
        return Task.FromResult(new ExportCertificateChainResponse
        {
            Pem = Pem(chain),
            CertificateChain = { chain.Select(ByteString.CopyFrom) },
            PreviousPem = Pem(previous),
            PreviousCertificates = { previous.Select(ByteString.CopyFrom) },
        });
    }

    public override Task<GetCertificateSigningRequestResponse> GetCertificateSigningRequest(GetCertificateSigningRequestRequest request, ServerCallContext context) =>
        Task.FromResult(new GetCertificateSigningRequestResponse { Pem = signers.GetCertificateSigningRequest(context.Caller(), request.Signer) });

    public override Task<V1.Signer> ImportCertificate(ImportCertificateRequest request, ServerCallContext context) =>
        Task.FromResult(signers.ImportCertificate(context.Caller(), request.Signer, request.Certificates.Select(c => c.ToByteArray())).ToProto());

    public override Task<V1.Signer> ArchiveSigner(ArchiveSignerRequest request, ServerCallContext context) =>
        Task.FromResult(signers.Archive(context.Caller(), request.Signer).ToProto());

    public override Task<V1.Signer> RenewCertificate(RenewCertificateRequest request, ServerCallContext context) =>
        Task.FromResult(signers.Renew(context.Caller(), request).ToProto());

    private static string Pem(IEnumerable<byte[]> certificates)
    {
        var pem = new StringBuilder();
        foreach (var der in certificates)
        {
            pem.Append(PemEncoding.WriteString("CERTIFICATE", der)).Append('\n');
        }
        return pem.ToString();
    }
}
