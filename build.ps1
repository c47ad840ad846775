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
$env:CODESIGN_SERVER_BINARY = Join-Path $Artifacts ("server/codesign-server" + $(if ($IsWindows -or $env:OS -eq 'Windows_NT') { '.exe' } else { '' }))

function Invoke-Step([string]$Description, [scriptblock]$Command) {
    Write-Host "==> $Description"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Description failed (exit $LASTEXITCODE)" }
}

function Invoke-Build {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { throw 'the .NET 10 SDK is required; see global.json' }
    Invoke-Step "building CodeSigning.Pkcs11.sln ($Configuration)" { dotnet build CodeSigning.Pkcs11.sln -c $Configuration -nologo -clp:ErrorsOnly }
    Invoke-Step "publishing the PKCS#11 module with NativeAOT ($Rid)" {
        dotnet publish src/Pkcs11Provider.Native -c $Configuration -r $Rid -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts "native/$Rid")
    }
    Invoke-Step 'publishing codesign-server' {
        dotnet publish src/SigningServer -c $Configuration -r $Rid --self-contained false -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts 'server')
    }
    Invoke-Step 'publishing csign' {
        dotnet publish src/Cli -c $Configuration -r $Rid --self-contained false -nologo -clp:ErrorsOnly -o (Join-Path $Artifacts 'cli')
    }
    Write-Host "==> module: $env:CODESIGN_PKCS11_MODULE"
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
