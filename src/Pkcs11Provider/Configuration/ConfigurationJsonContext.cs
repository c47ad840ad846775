using System.Text.Json.Serialization;

namespace CodeSigning.Pkcs11.Configuration;

/// <summary>Source-generated (NativeAOT-safe) JSON for the configuration file.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ModuleConfiguration))]
internal sealed partial class ConfigurationJsonContext : JsonSerializerContext;
