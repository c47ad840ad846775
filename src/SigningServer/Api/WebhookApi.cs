using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class WebhookApi(WebhookManager webhooks) : WebhookService.WebhookServiceBase
{
    public override Task<Webhook> CreateWebhook(CreateWebhookRequest request, ServerCallContext context)
    {
        var (webhook, signerName) = webhooks.Create(context.Caller(), request);
        return Task.FromResult(webhook.ToProto(signerName));
    }

    public override Task<ListWebhooksResponse> ListWebhooks(ListWebhooksRequest request, ServerCallContext context) =>
        Task.FromResult(new ListWebhooksResponse { Webhooks = { webhooks.List(context.Caller()).Select(w => w.Webhook.ToProto(w.SignerName)) } });

    public override Task<Empty> DeleteWebhook(DeleteWebhookRequest request, ServerCallContext context)
    {
        webhooks.Delete(context.Caller(), request.WebhookId);
        return Task.FromResult(new Empty());
    }

    public override Task<ListWebhookDeliveriesResponse> ListWebhookDeliveries(ListWebhookDeliveriesRequest request, ServerCallContext context) =>
        Task.FromResult(new ListWebhookDeliveriesResponse
        {
            Deliveries = { webhooks.ListDeliveries(context.Caller(), request.WebhookId, request.States, request.Limit).Select(d => d.ToProto()) },
        });
}
