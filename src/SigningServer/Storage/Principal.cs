using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <summary>A user, service account or group as stored: names never change, so they are kept beside the id.</summary>
public sealed record Principal(PrincipalKind Kind, string Id, string Name)
{
    public PrincipalRef ToRef() => new() { Kind = Kind, Id = Id, Name = Name };
}
