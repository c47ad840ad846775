namespace CodeSigning.Pkcs11.Configuration;

/// <summary>The configuration cannot be used; the message names the file and the problem.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
