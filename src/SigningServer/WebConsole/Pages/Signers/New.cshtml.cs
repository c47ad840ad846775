using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Signers;

/// <summary>
/// Steps 1 and 2 of the create wizard (details; key and CA). Creating the Signer ends step 2:
/// the caller becomes its first Administrator, and the Signer page's setup steps follow
/// (the external CA's CSR and certificate, members, approval policy).
/// </summary>
public sealed class NewSignerModel(SignerManager signers) : ConsolePageModel
{
    public static readonly KeyAlgorithm[] Algorithms =
        [KeyAlgorithm.EcP256, KeyAlgorithm.EcP384, KeyAlgorithm.EcP521, KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072, KeyAlgorithm.Rsa4096];

    public sealed class Fields
    {
        // Null when the field is left empty (model binding turns "" into null).
        public string? Name { get; set; }
        public string? Description { get; set; }
        public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.EcP256;
        public bool External { get; set; }
        public string? Subject { get; set; }
        public int? ValidityDays { get; set; }
    }

    [BindProperty]
    public Fields Input { get; set; } = new();

    public int Step { get; private set; } = 1;

    protected override void Load()
    {
    }

    public IActionResult OnPost(int? step, bool create)
    {
        if (!create)
        {
            Step = step is 2 && !string.IsNullOrWhiteSpace(Input.Name) ? 2 : 1;
            return Page();
        }
        Step = 2;
        var request = new CreateSignerRequest
        {
            Name = Input.Name?.Trim() ?? "",
            Description = Input.Description ?? "",
            KeyAlgorithm = Input.Algorithm,
            CertificateAuthority = Input.External ? CertificateAuthorityKind.External : CertificateAuthorityKind.Internal,
            Subject = Input.Subject?.Trim() ?? "",
            Validity = Input.ValidityDays is { } days ? Duration.FromTimeSpan(TimeSpan.FromDays(Math.Clamp(days, 1, 36500))) : null,
            Members = { new MemberSpec { Principal = Caller.Principal.ToRef(), Role = Role.Administrator } },
        };
        return Change(() =>
        {
            var created = signers.Create(Caller, Limited(request)).Signer;
            return $"Signer {created.Name} created";
        }, () => RedirectToPage("Setup", new { name = request.Name, step = Input.External ? "certificate" : "members" }));
    }
}
