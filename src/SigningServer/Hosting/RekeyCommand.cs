using System.Globalization;
using System.Security.Cryptography;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// <c>codesign-server rekey</c>: rotates the software vault's key-encryption key while servers keep
/// signing. The new KEK joins the ring as active (running servers reload the ring when they meet its
/// id, and before they seal a new key), every sealed reference (Signer keys, CA keys, the timestamp authority's key) is re-wrapped
/// in one transaction, then the old KEKs leave the ring. With <c>--stage</c> it only adds the next
/// KEK, so that replicas on other machines can be given it before any reference uses it.
/// </summary>
public static class RekeyCommand
{
    private const string LockFileName = "vault.kek.lock";

    public static int Run(DatabaseLocation location, bool stageOnly, TextWriter output)
    {
        ServerHost.RequireInitialized(location);
        var ringPath = KeyEncryptionKeyRing.PathIn(location.DataDir);
        // One rekey at a time per data directory: two would each retire the other's key.
        using var exclusive = new FileStream(Path.Combine(location.DataDir, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        var ring = KeyEncryptionKeyRing.LoadOrCreate(location.DataDir);
        var next = ring.Staged ?? new KeyEncryptionKey(ring.Keys.Max(k => k.Id) + 1, KeyEncryptionKeyState.Staged, RandomNumberGenerator.GetBytes(KeyEncryptionKeyRing.KeyLength));
        if (stageOnly)
        {
            new KeyEncryptionKeyRing([.. ring.Keys.Where(k => k.Id != next.Id), next]).Write(ringPath);
            output.WriteLine($"staged key-encryption key {next.Id}; copy {ringPath} to every replica, then run rekey without --stage");
            return 0;
        }

        var old = ring.Keys.Where(k => k.Id != next.Id).Select(k => k with { State = KeyEncryptionKeyState.Retiring }).ToList();
        new KeyEncryptionKeyRing([.. old, next with { State = KeyEncryptionKeyState.Active }]).Write(ringPath);
        var vault = SoftwareKeyVault.Open(location.DataDir);
        var store = location.Open();
        var rewrapped = Rewrap(store, vault, next.Id, old.Select(k => k.Id).ToList());
        new KeyEncryptionKeyRing([next with { State = KeyEncryptionKeyState.Active }]).Write(ringPath);
        // A Signer created while the ring was being replaced may carry a key sealed under a retired
        // KEK (its server read the ring just before): this server still holds that KEK in memory.
        rewrapped += Rewrap(store, vault, next.Id, []);
        output.WriteLine($"rekeyed: {rewrapped} sealed keys now under key-encryption key {next.Id}; retired {(old.Count == 0 ? "none" : string.Join(", ", old.Select(k => k.Id)))}");
        return 0;
    }

    /// <summary>Re-wraps every software-vault reference not yet under <paramref name="activeId"/>, in one transaction, audited.</summary>
    private static int Rewrap(IStore store, SoftwareKeyVault vault, uint activeId, IReadOnlyList<uint> retired)
    {
        using var session = store.Begin();
        var count = 0;
        foreach (var signer in session.ListSigners().Where(s => s.KeyVault == SoftwareKeyVault.VaultKind))
        {
            if (SoftwareKeyVault.KeyEncryptionKeyIdOf(signer.KeyReference) != activeId)
            {
                session.UpdateKeyReference(signer.Id, vault.Rewrap(signer.KeyReference));
                count++;
            }
        }
        foreach (var (setting, reference) in ServerIdentity.SealedKeys(session).Concat(Timestamping.TimestampAuthorityIdentity.SealedKeys(session)))
        {
            if (SoftwareKeyVault.KeyEncryptionKeyIdOf(reference) != activeId)
            {
                session.SetSetting(setting, vault.Rewrap(reference));
                count++;
            }
        }
        if (count > 0 || retired.Count > 0)
        {
            new AuditLog(TimeProvider.System, ServerHost.AuditObservers()).Append(session, new AuditEntry(AuditEventTypes.VaultRekeyed, AuditOutcome.Success, null, AuditClient.None, "local")
            {
                Details =
                {
                    ["kek_id"] = activeId.ToString(CultureInfo.InvariantCulture),
                    ["retired_kek_ids"] = string.Join(",", retired),
                    ["rewrapped_keys"] = count.ToString(CultureInfo.InvariantCulture),
                },
            });
        }
        session.Commit();
        return count;
    }
}
