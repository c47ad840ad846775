#Requires -Version 7.0
<#
.SYNOPSIS
    Registers the CodeSigning CNG Key Storage Provider (codesign-ksp.dll) and puts a Signer's
    certificate into CurrentUser\My with its key in that provider, so that signtool signs with it.

.DESCRIPTION
    Run from an elevated PowerShell 7 (the provider registration lives under HKLM):
      1. copies codesign-ksp.dll to %SystemRoot%\System32 (CNG loads provider images from there);
      2. registers the provider as CNG requires, with BCryptRegisterProvider (user-mode image,
         interface NCRYPT_KEY_STORAGE_INTERFACE, function "KEY_STORAGE"; this writes
         HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Providers\<name>) and
         BCryptAddContextFunctionProvider (the KEY_STORAGE function of the "Default" context, so
         NCryptEnumStorageProviders lists it);
      3. points the KSP at the module configuration: CODESIGN_PKCS11_CONFIG for the user (the KSP
         reads the same file and variables as the PKCS#11 module; see docs/ksp.md);
      4. imports the Signer's certificate (leaf first in -CertificateFile, as `csign pkcs11 setup`
         writes chain.pem) into CurrentUser\My and sets its CERT_KEY_PROV_INFO property: provider
         "CodeSigning Key Storage Provider", key (container) name = the Signer's name, CNG (type 0).
    It prints the certificate's SHA-1 thumbprint for `signtool sign /sha1`.
    -Uninstall removes the registration and the DLL (certificates stay; delete them in certmgr).

.EXAMPLE
    ./Install-CodeSigningKsp.ps1 -KspDll artifacts\native\win-x64\codesign-ksp.dll `
        -Signer release -CertificateFile codesign-release\chain.pem -ConfigFile codesign-release\pkcs11.json
#>
[CmdletBinding(DefaultParameterSetName = 'Install')]
param(
    [Parameter(ParameterSetName = 'Install', Mandatory)] [string]$KspDll,
    [Parameter(ParameterSetName = 'Install', Mandatory)] [string]$Signer,
    [Parameter(ParameterSetName = 'Install', Mandatory)] [string]$CertificateFile,
    [Parameter(ParameterSetName = 'Install', Mandatory)] [string]$ConfigFile,
    [Parameter(ParameterSetName = 'Uninstall', Mandatory)] [switch]$Uninstall
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ProviderName = 'CodeSigning Key Storage Provider'
$Image = 'codesign-ksp.dll'

if (-not $IsWindows) { throw 'Install-CodeSigningKsp.ps1 registers a CNG provider: it runs on Windows only' }
$principal = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'run from an elevated PowerShell: the provider registration is machine-wide (HKLM)'
}

Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;

public static class CodeSigningCng
{
    private const uint NCRYPT_KEY_STORAGE_INTERFACE = 0x00010001;
    private const uint CRYPT_LOCAL = 1;
    private const uint CRYPT_OVERWRITE = 1;
    private const uint CRYPT_PRIORITY_BOTTOM = 0xFFFFFFFF;
    private const string NCRYPT_KEY_STORAGE_ALGORITHM = "KEY_STORAGE";
    private const uint CERT_KEY_PROV_INFO_PROP_ID = 2;
    private const uint AT_SIGNATURE = 2;

    // bcrypt.h registration structures.
    [StructLayout(LayoutKind.Sequential)] private struct CRYPT_INTERFACE_REG { public uint dwInterface, dwFlags, cFunctions; public IntPtr rgpszFunctions; }
    [StructLayout(LayoutKind.Sequential)] private struct CRYPT_IMAGE_REG { public IntPtr pszImage; public uint cInterfaces; public IntPtr rgpInterfaces; }
    [StructLayout(LayoutKind.Sequential)] private struct CRYPT_PROVIDER_REG { public uint cAliases; public IntPtr rgpszAliases, pUM, pKM; }

    // wincrypt.h CRYPT_KEY_PROV_INFO: dwProvType 0 names a CNG key storage provider.
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct CRYPT_KEY_PROV_INFO { public string pwszContainerName, pwszProvName; public uint dwProvType, dwFlags, cProvParam; public IntPtr rgProvParam; public uint dwKeySpec; }

    [DllImport("bcrypt.dll", CharSet = CharSet.Unicode)] private static extern int BCryptRegisterProvider(string pszProvider, uint dwFlags, ref CRYPT_PROVIDER_REG pReg);
    [DllImport("bcrypt.dll", CharSet = CharSet.Unicode)] private static extern int BCryptUnregisterProvider(string pszProvider);
    [DllImport("bcrypt.dll", CharSet = CharSet.Unicode)] private static extern int BCryptAddContextFunctionProvider(uint dwTable, string pszContext, uint dwInterface, string pszFunction, string pszProvider, uint dwPosition);
    [DllImport("bcrypt.dll", CharSet = CharSet.Unicode)] private static extern int BCryptRemoveContextFunctionProvider(uint dwTable, string pszContext, uint dwInterface, string pszFunction, string pszProvider);
    [DllImport("crypt32.dll", SetLastError = true)] private static extern bool CertSetCertificateContextProperty(IntPtr pCertContext, uint dwPropId, uint dwFlags, ref CRYPT_KEY_PROV_INFO pvData);

    public static void Register(string provider, string image)
    {
        var function = Marshal.StringToHGlobalUni(NCRYPT_KEY_STORAGE_ALGORITHM);
        var functions = Marshal.AllocHGlobal(IntPtr.Size);
        var iface = Marshal.AllocHGlobal(Marshal.SizeOf<CRYPT_INTERFACE_REG>());
        var interfaces = Marshal.AllocHGlobal(IntPtr.Size);
        var imageName = Marshal.StringToHGlobalUni(image);
        var imageReg = Marshal.AllocHGlobal(Marshal.SizeOf<CRYPT_IMAGE_REG>());
        try
        {
            Marshal.WriteIntPtr(functions, function);
            Marshal.StructureToPtr(new CRYPT_INTERFACE_REG { dwInterface = NCRYPT_KEY_STORAGE_INTERFACE, dwFlags = CRYPT_LOCAL, cFunctions = 1, rgpszFunctions = functions }, iface, false);
            Marshal.WriteIntPtr(interfaces, iface);
            Marshal.StructureToPtr(new CRYPT_IMAGE_REG { pszImage = imageName, cInterfaces = 1, rgpInterfaces = interfaces }, imageReg, false);
            var registration = new CRYPT_PROVIDER_REG { pUM = imageReg };
            Check(BCryptRegisterProvider(provider, CRYPT_OVERWRITE, ref registration), "BCryptRegisterProvider");
            var added = BCryptAddContextFunctionProvider(CRYPT_LOCAL, null, NCRYPT_KEY_STORAGE_INTERFACE, NCRYPT_KEY_STORAGE_ALGORITHM, provider, CRYPT_PRIORITY_BOTTOM);
            // STATUS_OBJECT_NAME_COLLISION: already in the context from an earlier install.
            if (added != unchecked((int)0xC0000035)) Check(added, "BCryptAddContextFunctionProvider");
        }
        finally
        {
            foreach (var block in new[] { function, functions, iface, interfaces, imageName, imageReg }) Marshal.FreeHGlobal(block);
        }
    }

    public static void Unregister(string provider)
    {
        BCryptRemoveContextFunctionProvider(CRYPT_LOCAL, null, NCRYPT_KEY_STORAGE_INTERFACE, NCRYPT_KEY_STORAGE_ALGORITHM, provider);
        Check(BCryptUnregisterProvider(provider), "BCryptUnregisterProvider");
    }

    /// <summary>CERT_KEY_PROV_INFO on a certificate context of an open store: the private key is KEY in PROVIDER.</summary>
    public static void SetKeyProvider(IntPtr certificateContext, string provider, string key)
    {
        var info = new CRYPT_KEY_PROV_INFO { pwszContainerName = key, pwszProvName = provider, dwProvType = 0, dwKeySpec = AT_SIGNATURE };
        if (!CertSetCertificateContextProperty(certificateContext, CERT_KEY_PROV_INFO_PROP_ID, 0, ref info))
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastWin32Error(), "CertSetCertificateContextProperty(CERT_KEY_PROV_INFO_PROP_ID)");
        }
    }

    private static void Check(int status, string function)
    {
        if (status != 0) throw new InvalidOperationException(string.Format("{0} failed with NTSTATUS 0x{1:X8}", function, status));
    }
}
'@

$systemImage = Join-Path ([Environment]::SystemDirectory) $Image
if ($Uninstall) {
    [CodeSigningCng]::Unregister($ProviderName)
    Remove-Item $systemImage -ErrorAction SilentlyContinue
    Write-Host "unregistered '$ProviderName' and removed $systemImage"
    return
}

if (-not (Test-Path $KspDll)) { throw "no KSP at ${KspDll}: run ./build.ps1 build on Windows first" }
if (-not (Test-Path $ConfigFile)) { throw "no module configuration at ${ConfigFile}: run csign pkcs11 setup --signer $Signer first" }

Copy-Item $KspDll $systemImage -Force
[CodeSigningCng]::Register($ProviderName, $Image)
Write-Host "registered '$ProviderName' ($systemImage)"

$config = (Resolve-Path $ConfigFile).Path
[Environment]::SetEnvironmentVariable('CODESIGN_PKCS11_CONFIG', $config, 'User')
$env:CODESIGN_PKCS11_CONFIG = $config
Write-Host "CODESIGN_PKCS11_CONFIG=$config (for this user; new processes see it)"

# The leaf: the first PEM block of the chain file (or a single DER/PEM certificate).
$leaf = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw $CertificateFile))
$store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
$store.Open('ReadWrite')
try {
    $store.Add($leaf)
    $stored = $store.Certificates.Find('FindByThumbprint', $leaf.Thumbprint, $false)[0]
    [CodeSigningCng]::SetKeyProvider($stored.Handle, $ProviderName, $Signer)
}
finally {
    $store.Close()
}

# Reading the key back through CNG proves the provider loads and finds the Signer.
$key = [Security.Cryptography.CngKey]::Open($Signer, [Security.Cryptography.CngProvider]::new($ProviderName))
Write-Host "key '$Signer': $($key.Algorithm.Algorithm), $($key.KeySize) bits, through '$ProviderName'"
$key.Dispose()
Write-Host "certificate $($leaf.Subject) in CurrentUser\My"
Write-Host "thumbprint: $($leaf.Thumbprint)"
Write-Host "sign with:  signtool sign /sha1 $($leaf.Thumbprint) /fd sha256 /tr <server>/tsa /td sha256 <file>"
