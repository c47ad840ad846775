using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Reading the audit log: members of a Signer (any role) see its events; Product Admins see
/// every event, server-wide ones included.
/// </summary>
public sealed class AuditReader(Operations operations, AuditCheckpoints checkpoints, TimeProvider clock)
{
    public const int MaxPageSize = 1000;

    /// <param name="pageSize">1 to <see cref="MaxPageSize"/>.</param>
    public IReadOnlyList<AuditRecord> Query(Caller caller, AuditFilter? filter, long afterSequence, int pageSize) =>
        operations.Read(caller, AuditEventTypes.AuditRead, (session, scope) =>
            session.QueryAuditEvents(BuildQuery(session, caller, filter ?? new AuditFilter(), afterSequence, pageSize, scope)));

    /// <summary>The next events for a follower, no further than <see cref="AuditFollowCursor.Horizon"/>; advances the cursor.</summary>
    public IReadOnlyList<AuditRecord> Follow(Caller caller, AuditFilter? filter, AuditFollowCursor cursor) =>
        operations.Read(caller, AuditEventTypes.AuditRead, (session, scope) =>
        {
            var horizon = cursor.Horizon(session, clock.GetUtcNow());
            var query = BuildQuery(session, caller, filter ?? new AuditFilter(), cursor.After, MaxPageSize, scope) with { UpToSequence = horizon };
            var events = session.QueryAuditEvents(query);
            // Filtered events may be sparse: a page that is not full read everything up to the horizon.
            cursor.Advance(events.Count == MaxPageSize ? events[^1].Sequence : horizon);
            return events;
        });

    /// <param name="supplied">Checkpoint lines the operator kept elsewhere.</param>
    public VerifyAuditChainResponse Verify(Caller caller, IReadOnlyList<string> supplied) => operations.Change(caller, AuditEventTypes.AuditVerified, (session, scope) =>
    {
        caller.RequireProductAdmin("verify the audit chain");
        var anchors = supplied.Select((line, i) => Parse(line, $"checkpoints[{i}]")).ToList();
        // Runs before this operation's own event is appended: it checks the chain as committed.
        var result = AuditLog.Verify(session);
        if (result.Valid)
        {
            result = checkpoints.Check(session, anchors, result);
        }
        scope.Details["valid"] = result.Valid ? "true" : "false";
        return result;
    });

    public SignedCheckpoint Checkpoint(Caller caller) => operations.Change(caller, AuditEventTypes.AuditCheckpointed, (session, scope) =>
    {
        caller.RequireProductAdmin("checkpoint the audit chain");
        SignedCheckpoint? checkpoint;
        try
        {
            checkpoint = checkpoints.Write(session);
        }
        catch (InvalidOperationException e)
        {
            throw ServiceException.Conflict($"no checkpoint made: {e.Message}; run csign audit verify");
        }
        checkpoint = checkpoint ?? throw ServiceException.Conflict("the audit log is empty: nothing to checkpoint");
        scope.Details["checkpoint_sequence"] = checkpoint.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return checkpoint;
    });

    private static SignedCheckpoint Parse(string line, string field)
    {
        try
        {
            return SignedCheckpoint.Parse(line);
        }
        catch (FormatException e)
        {
            throw ServiceException.InvalidArgument(field, $"{field}: {e.Message}");
        }
    }

    private static AuditQuery BuildQuery(IStoreSession session, Caller caller, AuditFilter filter, long afterSequence, int pageSize, OperationScope scope)
    {
        IReadOnlyCollection<string>? signerIds = null;
        if (filter.Signer.Length > 0)
        {
            signerIds = [SignerAccess.Require(session, caller, filter.Signer, Capability.View, "view the audit log", scope).Signer.Id];
        }
        else if (!caller.ProductAdmin)
        {
            signerIds = session.ListMemberships(SignerAccess.IdentitiesOf(session, caller.Principal)).Select(m => m.SignerId).Distinct().ToList();
        }
        return new AuditQuery(afterSequence, pageSize, signerIds, filter.Actor, filter.Types_, filter.Since?.ToDateTimeOffset(), filter.Until?.ToDateTimeOffset(), filter.Outcome);
    }
}
