using System.Reflection;
using Google.Protobuf.Reflection;

namespace CodeSigning.Server.Domain;

/// <summary>Contract enum values as the proto names them ("SIGNATURE_SCHEME_ECDSA"): what clients send and read.</summary>
public static class ProtoNames
{
    public static string Of<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();
}
