using System.Security.Cryptography;
using System.Text;

namespace CodeSigning.Server.Notifications;

/// <summary>
/// How a receiver knows a delivery came from this server and is fresh: HMAC-SHA256 with the
/// webhook's secret over <c>timestamp + "." + body</c>, the timestamp in its own header so that a
/// receiver can refuse old replays.
/// </summary>
public static class WebhookSignature
{
    /// <summary>Unix seconds when the attempt was made.</summary>
    public const string TimestampHeader = "X-CodeSign-Timestamp";

    /// <summary><c>v1=</c> and the lowercase hex HMAC.</summary>
    public const string SignatureHeader = "X-CodeSign-Signature";

    /// <summary>The audit event id: the same on every attempt, so a receiver can drop duplicates.</summary>
    public const string EventIdHeader = "X-CodeSign-Event-Id";

    public const string EventTypeHeader = "X-CodeSign-Event";

    public const string DeliveryIdHeader = "X-CodeSign-Delivery";

    public static string Compute(byte[] secret, string timestamp, string body) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));
}
