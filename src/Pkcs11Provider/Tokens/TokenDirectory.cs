using CodeSigning.Pkcs11.Configuration;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Logging;
using CodeSigning.Pkcs11.Objects;
using CodeSigning.Pkcs11.Remote;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Tokens;

/// <summary>
/// The slots: with credentials in the configuration, one per Signer the caller may see (filtered by
/// the `signers` allow-list), listed from the server and cached for `cache_ttl_seconds`; without,
/// one per allow-listed Signer name, opened by C_Login whose PIN is the caller's API key.
/// </summary>
public sealed class TokenDirectory
{
    private readonly ModuleConfiguration _configuration;
    private readonly RemoteClient _remote;
    private readonly Credential? _credential;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ObjectHandles _handles = new();
    private readonly Lock _gate = new();
    private Dictionary<ulong, Token> _tokens = [];
    private DateTimeOffset? _refreshedAt;

    public TokenDirectory(ModuleConfiguration configuration, RemoteClient remote, Credential? credential, TimeProvider time, ILogger logger)
    {
        this._configuration = configuration;
        this._remote = remote;
        this._credential = credential;
        this._time = time;
        this._logger = logger;
        if (credential is null)
        {
            var ids = SlotIds.Assign(configuration.Signers!);
            _tokens = configuration.Signers!.Distinct().ToDictionary(name => ids[name], name => new Token(ids[name], name, loginRequired: true, _handles));
        }
    }

    /// <summary>Every token, in slot id order; refreshed from the server once the cache is stale.</summary>
    public IReadOnlyList<Token> List()
    {
        RefreshIfStale();
        return [.. Volatile.Read(ref _tokens).Values.OrderBy(t => t.SlotId)];
    }

    public Token Get(ulong slotId)
    {
        if (Volatile.Read(ref _tokens).TryGetValue(slotId, out var token))
        {
            return token;
        }

        RefreshIfStale();
        return Volatile.Read(ref _tokens).TryGetValue(slotId, out token)
            ? token
            : throw new Pkcs11Exception(CKR.CKR_SLOT_ID_INVALID, $"no slot {slotId}");
    }

    /// <summary>Login-required token: fetch the Signer with the caller's API key (the PIN).</summary>
    public void Open(Token token, string bearer) =>
        token.Update(SignerSnapshot.From(_remote.GetSigner(bearer, token.SignerReference)));

    private void RefreshIfStale()
    {
        if (_credential is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_refreshedAt is { } at && _time.GetUtcNow() - at < TimeSpan.FromSeconds(_configuration.CacheTtlSeconds))
            {
                return;
            }

            try
            {
                Refresh(_credential.GetBearer(_remote));
            }
            catch (RemoteException ex) when (_refreshedAt is not null)
            {
                // Keep serving the tokens we know; signing asks the server anyway.
                ProviderLog.SignerListStale(_logger, ex.Message);
            }
        }
    }

    private void Refresh(string bearer)
    {
        var allowed = _configuration.Signers;
        var signers = _remote.ListSigners(bearer)
            .Where(s => allowed is null || allowed.Contains(s.Name) || allowed.Contains(s.Id))
            .Select(s => s.PublicKey.IsEmpty ? _remote.GetSigner(bearer, s.Id) : s)
            .ToList();
        var ids = SlotIds.Assign(signers.Select(s => s.Id));
        var previous = Volatile.Read(ref _tokens);
        var next = new Dictionary<ulong, Token>();
        foreach (var signer in signers)
        {
            var slotId = ids[signer.Id];
            var token = previous.TryGetValue(slotId, out var known) && known.SignerReference == signer.Id
                ? known
                : new Token(slotId, signer.Id, loginRequired: false, _handles);
            token.Update(SignerSnapshot.From(signer));
            next[slotId] = token;
        }

        Volatile.Write(ref _tokens, next);
        _refreshedAt = _time.GetUtcNow();
        ProviderLog.SignersListed(_logger, next.Count);
    }
}
