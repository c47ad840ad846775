using System.Text.RegularExpressions;
using CodeSigning.V1;
using Google.Api;
using Google.Protobuf.Reflection;

namespace CodeSigning.Server.Tests.Rest;

/// <summary>One REST route of the contract: an HTTP verb and path template bound to an RPC by its <c>google.api.http</c> option.</summary>
/// <param name="Body">The binding's <c>body</c>: empty (none), <c>*</c> or a field name.</param>
public sealed record RestRoute(string Verb, string Template, string Body, MethodDescriptor Method)
{
    /// <summary>Every RPC of every service in proto/codesigning/v1, with its bindings (none when the option is missing).</summary>
    public static IReadOnlyList<(MethodDescriptor Method, IReadOnlyList<RestRoute> Routes)> All { get; } =
        ContractFiles().SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .Select(method => (method, (IReadOnlyList<RestRoute>)Bindings(method).ToList()))
            .ToList();

    /// <summary>Every compiled proto file of the contract (each <c>*Reflection</c> class), so a new one cannot be left out.</summary>
    private static IEnumerable<FileDescriptor> ContractFiles() =>
        typeof(SignReflection).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(SignReflection).Namespace && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty(nameof(SignReflection.Descriptor))?.GetValue(null))
            .OfType<FileDescriptor>()
            .OrderBy(file => file.Name, StringComparer.Ordinal);

    /// <summary>Whether a concrete path (placeholders for variables) fits this template; a variable never spans '/' or ':'.</summary>
    public bool Matches(string verb, string path) =>
        string.Equals(verb, Verb, StringComparison.OrdinalIgnoreCase)
        && Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(Template), @"\\\{[^}]*}", "[^/:]+") + "$");

    public override string ToString() => $"{Verb} {Template} ({Method.FullName})";

    private static IEnumerable<RestRoute> Bindings(MethodDescriptor method)
    {
        if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
        {
            yield break;
        }
        foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
        {
            var (verb, template) = binding.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("GET", binding.Get),
                HttpRule.PatternOneofCase.Post => ("POST", binding.Post),
                HttpRule.PatternOneofCase.Put => ("PUT", binding.Put),
                HttpRule.PatternOneofCase.Delete => ("DELETE", binding.Delete),
                HttpRule.PatternOneofCase.Patch => ("PATCH", binding.Patch),
                _ => throw new InvalidOperationException($"{method.FullName}: unsupported binding {binding.PatternCase}"),
            };
            yield return new RestRoute(verb, template, binding.Body, method);
        }
    }
}
