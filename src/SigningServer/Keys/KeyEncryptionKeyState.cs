namespace CodeSigning.Server.Keys;

/// <summary>Where a key-encryption key stands in a rotation (<c>codesign-server rekey</c>).</summary>
public enum KeyEncryptionKeyState
{
    /// <summary>New keys are sealed under it; exactly one per ring.</summary>
    Active,

    /// <summary>Added ahead of a rotation so that every replica can open references sealed under it before they appear.</summary>
    Staged,

    /// <summary>Replaced by a newer active key; kept only until every reference is re-wrapped.</summary>
    Retiring,
}
