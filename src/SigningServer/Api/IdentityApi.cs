using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class IdentityApi(Authenticator authenticator, IdentityManager identities) : IdentityService.IdentityServiceBase
{
    public override Task<WhoAmIResponse> WhoAmI(Empty request, ServerCallContext context)
    {
        var caller = authenticator.Authenticate(context);
        return Task.FromResult(new WhoAmIResponse
        {
            Principal = caller.Principal.ToRef(),
            ProductAdmin = caller.ProductAdmin,
            Groups = { identities.GroupsOf(caller).Select(g => new PrincipalRef { Kind = PrincipalKind.Group, Id = g.Id, Name = g.Name }) },
            CredentialId = caller.CredentialId,
            CredentialExpiresAt = caller.CredentialExpiresAt.ToProto(),
        });
    }

    public override Task<User> CreateUser(CreateUserRequest request, ServerCallContext context) =>
        Task.FromResult(identities.CreateUser(authenticator.Authenticate(context), request).ToProto());

    public override Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context) =>
        Task.FromResult(new ListUsersResponse { Users = { identities.ListUsers(authenticator.Authenticate(context)).Select(u => u.ToProto()) } });

    public override Task<User> GetUser(GetUserRequest request, ServerCallContext context) =>
        Task.FromResult(identities.GetUser(authenticator.Authenticate(context), request.User).ToProto());

    public override Task<User> SetProductAdmin(SetProductAdminRequest request, ServerCallContext context) =>
        Task.FromResult(identities.SetProductAdmin(authenticator.Authenticate(context), request.User, request.ProductAdmin).ToProto());

    public override Task<User> SetUserEnabled(SetUserEnabledRequest request, ServerCallContext context) =>
        Task.FromResult(identities.SetEnabled(authenticator.Authenticate(context), request.User, request.Enabled).ToProto());

    public override Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var (key, secret) = identities.CreateApiKey(authenticator.Authenticate(context), request);
        return Task.FromResult(new CreateApiKeyResponse { ApiKey = key.ToProto(), Secret = secret });
    }

    public override Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context) =>
        Task.FromResult(new ListApiKeysResponse
        {
            ApiKeys = { identities.ListApiKeys(authenticator.Authenticate(context), request.User, request.IncludeRevoked).Select(k => k.ToProto()) },
        });

    public override Task<ApiKey> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context) =>
        Task.FromResult(identities.RevokeApiKey(authenticator.Authenticate(context), request.ApiKeyId).ToProto());

    public override Task<ServiceAccount> CreateServiceAccount(CreateServiceAccountRequest request, ServerCallContext context) =>
        Task.FromResult(identities.CreateServiceAccount(authenticator.Authenticate(context), request).ToProto());

    public override Task<ListServiceAccountsResponse> ListServiceAccounts(ListServiceAccountsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListServiceAccountsResponse
        {
            ServiceAccounts = { identities.ListServiceAccounts(authenticator.Authenticate(context)).Select(a => a.ToProto()) },
        });

    public override Task<ServiceAccount> GetServiceAccount(GetServiceAccountRequest request, ServerCallContext context) =>
        Task.FromResult(identities.GetServiceAccount(authenticator.Authenticate(context), request.ServiceAccount).ToProto());

    public override Task<User> ArchiveUser(ArchiveUserRequest request, ServerCallContext context) =>
        Task.FromResult(identities.ArchiveUser(authenticator.Authenticate(context), request.User).ToProto());

    public override Task<ServiceAccount> ArchiveServiceAccount(ArchiveServiceAccountRequest request, ServerCallContext context) =>
        Task.FromResult(identities.ArchiveServiceAccount(authenticator.Authenticate(context), request.ServiceAccount).ToProto());

    public override Task<ServiceAccount> SetServiceAccountEnabled(SetServiceAccountEnabledRequest request, ServerCallContext context) =>
        Task.FromResult(identities.SetServiceAccountEnabled(authenticator.Authenticate(context), request.ServiceAccount, request.Enabled).ToProto());

    public override Task<ServiceAccountKey> AddServiceAccountKey(AddServiceAccountKeyRequest request, ServerCallContext context) =>
        Task.FromResult(identities.AddServiceAccountKey(authenticator.Authenticate(context), request.ServiceAccount, request.PublicKey.ToByteArray()).ToProto());

    public override Task<Empty> RemoveServiceAccountKey(RemoveServiceAccountKeyRequest request, ServerCallContext context)
    {
        identities.RemoveServiceAccountKey(authenticator.Authenticate(context), request.ServiceAccount, request.KeyId);
        return Task.FromResult(new Empty());
    }

    public override Task<RevokeUserApiKeysResponse> RevokeUserApiKeys(RevokeUserApiKeysRequest request, ServerCallContext context) =>
        Task.FromResult(new RevokeUserApiKeysResponse { RevokedApiKeyIds = { identities.RevokeApiKeysOfUser(authenticator.Authenticate(context), request.User) } });
}
