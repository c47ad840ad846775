using System.Text.Json.Serialization;

namespace CodeSigning.Server.Storage.Sqlite;

[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class StoreJson : JsonSerializerContext;
