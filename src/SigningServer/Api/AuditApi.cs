using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class AuditApi(AuditReader reader) : AuditService.AuditServiceBase
{
    private static readonly TimeSpan FollowPollInterval = TimeSpan.FromMilliseconds(500);

    public override Task<QueryAuditEventsResponse> QueryAuditEvents(QueryAuditEventsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var pageSize = request.PageSize <= 0 ? 100 : Math.Min(request.PageSize, AuditReader.MaxPageSize);
        var events = reader.Query(caller, request.Filter, request.AfterSequence, pageSize);
        var response = new QueryAuditEventsResponse();
        var bytes = 0;
        foreach (var record in events)
        {
            var e = record.ToBoundedProto();
            bytes += e.CalculateSize();
            if (response.Events.Count > 0 && bytes > AuditEventSize.MaxPageBytes)
            {
                break;
            }
            response.Events.Add(e);
        }
        var full = response.Events.Count < events.Count || events.Count == pageSize;
        response.NextAfterSequence = full ? response.Events[^1].Sequence : 0;
        return Task.FromResult(response);
    }

    public override async Task FollowAuditEvents(FollowAuditEventsRequest request, IServerStreamWriter<AuditEvent> responseStream, ServerCallContext context)
    {
        var caller = context.Caller();
        var cursor = new AuditFollowCursor(request.AfterSequence);
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var events = reader.Follow(caller, request.Filter, cursor);
            foreach (var record in events)
            {
                await responseStream.WriteAsync(record.ToBoundedProto(), context.CancellationToken).ConfigureAwait(false);
            }
            if (events.Count < AuditReader.MaxPageSize)
            {
                await Task.Delay(FollowPollInterval, context.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task<VerifyAuditChainResponse> VerifyAuditChain(VerifyAuditChainRequest request, ServerCallContext context) =>
        Task.FromResult(reader.Verify(context.Caller(), request.Checkpoints));

    public override Task<AuditCheckpoint> CreateAuditCheckpoint(CreateAuditCheckpointRequest request, ServerCallContext context) =>
        Task.FromResult(reader.Checkpoint(context.Caller()).ToProto());
}
