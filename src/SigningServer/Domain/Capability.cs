namespace CodeSigning.Server.Domain;

/// <summary>What a Signer role may do: the rows of the roles table in docs/server.md.</summary>
public enum Capability
{
    /// <summary>Sign and submit signing requests.</summary>
    Sign,
    /// <summary>View members, activity and the audit log, and read or export the certificate chain (certificates are public).</summary>
    View,
    /// <summary>Edit settings, manage members, edit the approval policy.</summary>
    Manage,
    /// <summary>Create a grant without a request.</summary>
    PreApprove,
}
