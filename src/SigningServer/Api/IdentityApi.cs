using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class IdentityApi(IdentityManager identities) : IdentityService.IdentityServiceBase
{
    public override Task<WhoAmIResponse> WhoAmI(Empty request, ServerCallContext context)
    {
        var caller = context.Caller();
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
        Task.FromResult(identities.CreateUser(context.Caller(), request).ToProto());

    public override Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context) =>
        Task.FromResult(new ListUsersResponse { Users = { identities.ListUsers(context.Caller()).Select(u => u.ToProto()) } });

    public override Task<User> GetUser(GetUserRequest request, ServerCallContext context) =>
        Task.FromResult(identities.GetUser(context.Caller(), request.User).ToProto());

    public override Task<User> SetProductAdmin(SetProductAdminRequest request, ServerCallContext context) =>
        Task.FromResult(identities.SetProductAdmin(context.Caller(), request.User, request.ProductAdmin).ToProto());

    public override Task<User> SetUserEnabled(SetUserEnabledRequest request, ServerCallContext context) =>
        Task.FromResult(identities.SetEnabled(context.Caller(), request.User, request.Enabled).ToProto());

    public override Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var (key, secret) = identities.CreateApiKey(context.Caller(), request);
        return Task.FromResult(new CreateApiKeyResponse { ApiKey = key.ToProto(), Secret = secret });
    }

    public override Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context) =>
        Task.FromResult(new ListApiKeysResponse
        {
            ApiKeys = { identities.ListApiKeys(context.Caller(), request.User, request.IncludeRevoked).Select(k => k.ToProto()) },
        });

    public override Task<ApiKey> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context) =>
        Task.FromResult(identities.RevokeApiKey(context.Caller(), request.ApiKeyId).ToProto());

    public override Task<ServiceAccount> CreateServiceAccount(CreateServiceAccountRequest request, ServerCallContext context) =>
        Task.FromResult(identities.CreateServiceAccount(context.Caller(), request).ToProto());

    public override Task<ListServiceAccountsResponse> ListServiceAccounts(ListServiceAccountsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListServiceAccountsResponse
        {
            ServiceAccounts = { identities.ListServiceAccounts(context.Caller()).Select(a => a.ToProto()) },
        });

    public override Task<ServiceAccount> GetServiceAccount(GetServiceAccountRequest request, ServerCallContext context) =>
        Task.FromResult(identities.GetServiceAccount(context.Caller(), request.ServiceAccount).ToProto());

    public override Task<User> ArchiveUser(ArchiveUserRequest request, ServerCallContext context) =>
        Task.FromResult(identities.ArchiveUser(context.Caller(), request.User).ToProto());

    public override Task<ServiceAccount> ArchiveServiceAccount(ArchiveServiceAccountRequest request, ServerCallContext context) =>
        Task.FromResult(identities.ArchiveServiceAccount(context.Caller(), request.ServiceAccount).ToProto());

    public override Task<ServiceAccount> SetServiceAccountEnabled(SetServiceAccountEnabledRequest request, ServerCallContext context) =>
        Task.FromResult(identities.SetServiceAccountEnabled(context.Caller(), request.ServiceAccount, request.Enabled).ToProto());

    public override Task<ServiceAccountKey> AddServiceAccountKey(AddServiceAccountKeyRequest request, ServerCallContext context) =>
        Task.FromResult(identities.AddServiceAccountKey(context.Caller(), request.ServiceAccount, request.PublicKey.ToByteArray()).ToProto());

    public override Task<Empty> RemoveServiceAccountKey(RemoveServiceAccountKeyRequest request, ServerCallContext context)
    {
        identities.RemoveServiceAccountKey(context.Caller(), request.ServiceAccount, request.KeyId);
        return Task.FromResult(new Empty());
    }

    public override Task<RevokeUserApiKeysResponse> RevokeUserApiKeys(RevokeUserApiKeysRequest request, ServerCallContext context) =>
        Task.FromResult(new RevokeUserApiKeysResponse { RevokedApiKeyIds = { identities.RevokeApiKeysOfUser(context.Caller(), request.User) } });
}
