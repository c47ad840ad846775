#!/usr/bin/env pwsh
# CodeSigning build entry point for Windows (and any pwsh). Same verbs as build.sh:
#   build | test | demo | bench
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'bench', 'help')]
    [string]$Verb = 'help'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location $PSScriptRoot

$Configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }
$Artifacts = Join-Path $PSScriptRoot 'artifacts'

$arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture) {
    'X64' { 'x64' }
    'Arm64' { 'arm64' }
    default { throw "unsupported CPU $_" }
}
if ($IsLinux) { $os = 'linux'; $libext = 'so' }
elseif ($IsMacOS) { $os = 'osx'; $libext = 'dylib' }
else { $os = 'win'; $libext = 'dll' }
$Rid = if ($env:RID) { $env:RID } else { "$os-$arch" }
$env:CODESIGN_RID = $Rid
$env:CODESIGN_PKCS11_MODULE = Join-Path $Artifacts "native/$Rid/libcodesign-pkcs11.$libext"
$env:CODESIGN_KSP_MODULE = Join-Path $Artifacts $(if ($os -eq 'win') { "native/$Rid/codesign-ksp.dll" } else { "native/$Rid/libcodesign-ksp.$libext" })
$env:CODESIGN_SERVER_BINARY = Join-Path $Artifacts ("server/codesign-server" + $(if ($IsWindows -or $env:OS -eq 'Windows_NT') { '.exe' } else { '' }))

function Invoke-Step([string]$Description, [scriptblock]$Command) {
    Write-Host "==> $Description"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Description failed (exit $LASTEXITCODE)" }
}

# The Windows-only scripts (tools/windows) cannot run everywhere, but they must parse everywhere.
function Test-WindowsScripts {
    foreach ($script in Get-ChildItem (Join-Path $PSScriptRoot 'tools/windows') -Filter *.ps1) {
        $errors = $null
        [void][System.Management.Automation.Language.Parser]::ParseFile($script.FullName, [ref]$null, [ref]$errors)
        if ($errors) { throw "$($script.Name) does not parse: $($errors -join '; ')" }
        Write-Host "==> $($script.Name) parses"
    }
}

function Invoke-Build {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { throw 'the .NET 10 SDK is required; see global.json' }
    $native = Join-Path $Artifacts "native/$Rid"
    if ($env:CODESIGN_REUSE_BUILD -eq '1') {
        # ./build.sh test has just built and published all of this for $Rid.
        Write-Host "==> reusing the solution build and the $Rid publishes (CODESIGN_REUSE_BUILD=1)"
    }
    else {
        Invoke-Step "building CodeSigning.Pkcs11.sln ($Configuration)" { dotnet build CodeSigning.Pkcs11.sln -c $Configuration -nologo -clp:ErrorsOnly }
        Invoke-Step "publishing the PKCS#11 module with NativeAOT ($Rid)" {
            dotnet publish src/Pkcs11Provider.Native -c $Configuration -r $Rid -nologo -clp:ErrorsOnly -o $native
        }
        Invoke-Step "publishing the CNG KSP bridge with NativeAOT ($Rid)" {
            dotnet publish src/KspBridge.Native -c $Configuration -r $Rid -nologo -clp:ErrorsOnly -o $native
        }
        Invoke-Step 'publishing codesign-server' {
            dotnet publish src/SigningServer -c $Configuration -r $Rid --self-contained false -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts 'server')
        }
        Invoke-Step 'publishing csign' {
            dotnet publish src/Cli -c $Configuration -r $Rid --self-contained false -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts 'cli')
        }
    }

    if ($os -eq 'win') {
        # The Windows names (docs/clients/signtool.md): codesign-ksp.dll is the KSP's own; the module
        # keeps libcodesign-pkcs11.dll, where csign looks for it, and is also codesign-pkcs11.dll.
        Copy-Item (Join-Path $native 'libcodesign-pkcs11.dll') (Join-Path $native 'codesign-pkcs11.dll') -Force
        Write-Host "==> Windows DLLs: $(Join-Path $native 'codesign-pkcs11.dll'), $env:CODESIGN_KSP_MODULE"
    }
    else {
        Write-Host '==> skipped on this OS: codesign-pkcs11.dll and codesign-ksp.dll (NativeAOT does not cross-compile to Windows; build.ps1 build on Windows or .github/workflows/windows.yml makes them)'
        # Framework-dependent builds cross-compile: the Windows server and csign are checked here too.
        Invoke-Step 'publishing codesign-server for win-x64 (framework-dependent)' {
            dotnet publish src/SigningServer -c $Configuration -r win-x64 --self-contained false -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts 'win-x64/server')
        }
        Invoke-Step 'publishing csign for win-x64 (framework-dependent)' {
            dotnet publish src/Cli -c $Configuration -r win-x64 --self-contained false -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts 'win-x64/cli')
        }
    }

    Test-WindowsScripts
    Write-Host "==> module: $env:CODESIGN_PKCS11_MODULE"
    Write-Host "==> KSP: $env:CODESIGN_KSP_MODULE"
}

function Invoke-Tests {
    # The tests drive real tools. On Linux, build.sh installs them; here we only check and say how.
    if ($IsLinux -and -not (Get-Command pkcs11-tool -ErrorAction SilentlyContinue)) {
        throw 'missing test tools. Install them with: sudo apt-get update && sudo apt-get install -y opensc'
    }
    Invoke-Build
    $results = Join-Path $Artifacts 'test-results'
    Remove-Item -Recurse -Force $results -ErrorAction SilentlyContinue
    Write-Host '==> running every test (native module included)'
    dotnet test CodeSigning.Pkcs11.sln -c $Configuration --no-build -nologo --blame-hang-timeout 10m --results-directory $results --logger trx
    if ($LASTEXITCODE -ne 0) { throw "tests failed (exit $LASTEXITCODE)" }
}

switch ($Verb) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests }
    'demo' {
        # The demo is a bash script (server, csign, jarsigner through the module); on Windows run it from WSL or Git Bash.
        Invoke-Build
        Invoke-Step 'running the demo (tools/demo/demo.sh)' { bash (Join-Path $PSScriptRoot 'tools/demo/demo.sh') }
    }
    'bench' { Write-Error 'build.ps1 bench: the benchmarks run on Linux (SoftHSM2, /proc, gcc): use ./build.sh bench'; exit 1 }
    default {
        Write-Host 'usage: ./build.ps1 <build|test|demo|bench>'
    }
}
