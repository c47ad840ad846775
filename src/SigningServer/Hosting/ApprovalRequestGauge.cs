using System.Diagnostics.Metrics;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Telemetry;
using CodeSigning.V1;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// <c>codesign_approval_requests{state}</c>: how many signing requests are in each state now, read
/// from the store at each scrape, so it is exact across restarts and replicas. Requests expire
/// lazily in the store; a pending one past its deadline is counted as expired here.
/// </summary>
public sealed class ApprovalRequestGauge
{
    private static readonly SigningRequestState[] States =
        [SigningRequestState.Pending, SigningRequestState.Approved, SigningRequestState.Denied, SigningRequestState.Expired, SigningRequestState.Cancelled];

    private readonly IStore _store;
    private readonly TimeProvider _clock;

    public ApprovalRequestGauge(IMeterFactory meters, IStore store, TimeProvider clock)
    {
        _store = store;
        _clock = clock;
        // The host's meter (same name as ServerMetrics'): it goes away with the host, and its callback with it.
        meters.Create(ServerMetrics.MeterName).CreateObservableGauge("codesign.approval_requests", Observe, unit: "{request}",
            description: "Signing requests in each state now (pending past its deadline counts as expired).");
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        IReadOnlyDictionary<SigningRequestState, long> counts;
        using (var session = _store.BeginRead())
        {
            // Counted by the database: a scrape reads no request rows, however many there are.
            counts = session.CountSigningRequests(_clock.GetUtcNow());
        }
        return States.Select(state => new Measurement<long>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant())));
    }
}
