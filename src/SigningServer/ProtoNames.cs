using System.Reflection;
using Google.Protobuf.Reflection;

namespace CodeSigning.Server;

/// <summary>Contract enum values as the proto names them ("SIGNATURE_SCHEME_ECDSA"): what clients send and read.</summary>
public static class ProtoNames
{
    public static string Of<T>(T value) where T : struct, Enum =>
        Names<T>.ByValue.TryGetValue(value, out var name) ? name : value.ToString();

    // Reflection once per enum type, not on every call: each signature names three enums.
    private static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().Distinct().ToDictionary(
            value => value,
            value => typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString());
    }
}
