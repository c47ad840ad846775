namespace CodeSigning.Server.Timestamping;

/// <summary>Who may ask the timestamp authority for a timestamp (<c>--tsa</c>).</summary>
public enum TimestampAccess
{
    /// <summary>No timestamp endpoint at all: <c>/tsa</c> answers 404.</summary>
    Off,

    /// <summary>Anyone who reaches the server, rate-limited per address: signing tools send no credentials.</summary>
    Anonymous,

    /// <summary>Only callers with a valid API key or access token (<c>Authorization: Bearer</c>).</summary>
    Authenticated,
}
