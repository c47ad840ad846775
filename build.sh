#!/usr/bin/env bash
# CodeSigning build entry point. Verbs: build | test | demo | bench  (build.ps1 has the same verbs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

CONFIGURATION="${CONFIGURATION:-Release}"
ARTIFACTS="$ROOT/artifacts"

case "$(uname -s)" in
  Linux) os=linux; libext=so ;;
  Darwin) os=osx; libext=dylib ;;
  *) echo "build.sh: unsupported OS $(uname -s); use build.ps1 on Windows" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "build.sh: unsupported CPU $(uname -m)" >&2; exit 1 ;;
esac
RID="${RID:-$os-$arch}"
export CODESIGN_RID="$RID"
export CODESIGN_PKCS11_MODULE="$ARTIFACTS/native/$RID/libcodesign-pkcs11.$libext"
export CODESIGN_SERVER_BINARY="$ARTIFACTS/server/codesign-server"
export CODESIGN_KSP_MODULE="$ARTIFACTS/native/$RID/libcodesign-ksp.$libext"

# Tools the tests drive for real, as "command:debian-package".
JAVA_TOOLS=("jar:openjdk-17-jdk-headless" "jarsigner:openjdk-17-jdk-headless" "keytool:openjdk-17-jdk-headless")
TEST_TOOLS=(
  "pkcs11-tool:opensc"
  "openssl:openssl"
  # tests/Cli.Tests/TimestampTests: `openssl ts -query | curl | openssl ts -verify`.
  "curl:curl"
  "sqlite3:sqlite3"
  "${JAVA_TOOLS[@]}"
  "/usr/lib/postgresql/15/bin/initdb:postgresql"
  "gcc:gcc"
  # tests/Fuzz: the coverage-guided fuzzer that drives the SharpFuzz-instrumented core.
  "afl-fuzz:afl++"
  # tools/softhsm-harness: the reference token and the real clients it drives.
  "softhsm2-util:softhsm2"
  "p11tool:gnutls-bin"
  "/usr/lib/$(uname -m)-linux-gnu/engines-3/pkcs11.so:libengine-pkcs11-openssl"
  # osslsigncode-scripts needs 2.8 or later: ensure_osslsigncode_backport takes it from bookworm-backports.
  "osslsigncode:osslsigncode"
  "apksigner:apksigner"
  "aapt:aapt"
  "wixl:wixl"
  "unzip:unzip"
  "sbsign:sbsigntool"
  # OpenPGP through gnupg-pkcs11-scd: gpg, rpm --addsign, debsigs, skopeo simple signing.
  "gpg:gpg"
  "gpg-agent:gpg-agent"
  "gnupg-pkcs11-scd:gnupg-pkcs11-scd"
  "rpm:rpm"
  "rpmbuild:rpm"
  "debsigs:debsigs"
  "debsig-verify:debsig-verify"
  "skopeo:skopeo"
  "p11-kit:p11-kit"
  "/usr/lib/$(uname -m)-linux-gnu/p11-kit-proxy.so:p11-kit-modules"
  "gpgconf:gpgconf"
  "runuser:util-linux"
  # docs/api.md's curl lines and examples, run as written (tests/SigningServer.Tests/Rest).
  "jq:jq"
  "xxd:xxd"
  # tests/WebConsole.Tests: the web console in headless Chromium, driven by Selenium through chromedriver.
  "chromium:chromium"
  "chromedriver:chromium-driver"
)

# What ./build.sh bench drives besides the build: the reference token, openssl speed, gcc for the
# cold-start probe, sha256sum, PostgreSQL for the sustained load, and matplotlib for the plot.
BENCH_TOOLS=(
  "softhsm2-util:softhsm2"
  "openssl:openssl"
  "gcc:gcc"
  "sha256sum:coreutils"
  "/usr/lib/postgresql/15/bin/initdb:postgresql"
  "/usr/lib/python3/dist-packages/matplotlib:python3-matplotlib"
)

log() { printf '==> %s\n' "$*" >&2; }

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "build.sh: the .NET 10 SDK is required (https://dot.net); see global.json" >&2
    exit 1
  fi
}

# Installs missing test tools with apt-get when running as root; otherwise prints the exact
# command and fails. Never skips silently.
ensure_test_tools() {
  local missing=() entry cmd pkg
  for entry in "${TEST_TOOLS[@]}"; do
    cmd="${entry%%:*}"; pkg="${entry#*:}"
    if [[ "$cmd" == /* ]]; then [[ -e "$cmd" ]] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "build.sh: missing test tools. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# osslsigncode 2.8 or later signs PowerShell scripts and catalogs; Debian 12 ships 2.5 and its
# bookworm-backports suite 2.9. As root on Debian 12, add that suite from the archive the machine
# already uses (its own URIs line) and take osslsigncode from it; otherwise the harness reports the
# scripts entry as skipped, with the reason.
ensure_osslsigncode_backport() {
  local version sources=/etc/apt/sources.list.d/debian.sources uri
  version=$(osslsigncode --version 2>/dev/null | sed -n '1s/^osslsigncode \([0-9]*\.[0-9]*\).*/\1/p')
  [[ -n "$version" ]] && printf '%s\n2.8\n' "$version" | sort -V -C -r && return 0
  [[ "$(id -u)" -eq 0 && -r "$sources" ]] && grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release || return 0
  uri=$(awk '/^URIs:/ { print $2; exit }' "$sources")
  [[ -n "$uri" ]] || return 0
  log "installing osslsigncode from bookworm-backports (Debian 12's ${version:-none} is older than 2.8)"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" >/etc/apt/sources.list.d/codesign-backports.sources
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports osslsigncode >/dev/null ||
    log "bookworm-backports has no osslsigncode here; the harness will skip what 2.5 cannot do"
}

build() {
  ensure_dotnet
  log "building CodeSigning.Pkcs11.sln ($CONFIGURATION)"
  dotnet build CodeSigning.Pkcs11.sln -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
  log "publishing the PKCS#11 module with NativeAOT ($RID)"
  dotnet publish src/Pkcs11Provider.Native -c "$CONFIGURATION" -r "$RID" -nologo -clp:ErrorsOnly \
    -o "$ARTIFACTS/native/$RID"
  log "publishing the CNG KSP bridge with NativeAOT ($RID; codesign-ksp.dll on Windows)"
  dotnet publish src/KspBridge.Native -c "$CONFIGURATION" -r "$RID" -nologo -clp:ErrorsOnly -o "$ARTIFACTS/native/$RID"
  log "publishing codesign-server and csign"
  dotnet publish src/SigningServer -c "$CONFIGURATION" -r "$RID" --self-contained false -nologo -clp:ErrorsOnly \
    -o "$ARTIFACTS/server"
  dotnet publish src/Cli -c "$CONFIGURATION" -r "$RID" --self-contained false -nologo -clp:ErrorsOnly \
    -o "$ARTIFACTS/cli"
  log "module: $CODESIGN_PKCS11_MODULE"
}

run_tests() {
  ensure_test_tools
  ensure_osslsigncode_backport
  build
  local results="$ARTIFACTS/test-results" log_file status=0
  rm -rf "$results"; mkdir -p "$results"
  log_file="$results/dotnet-test.log"
  log "running every test (native module included)"
  # The test projects start in parallel; on 2 busy cores a test host can take longer than vstest's
  # default 90 s to answer, which aborts that whole project's run.
  export VSTEST_CONNECTION_TIMEOUT="${VSTEST_CONNECTION_TIMEOUT:-600}"
  dotnet test CodeSigning.Pkcs11.sln -c "$CONFIGURATION" --no-build -nologo \
    --blame-hang-timeout 10m --results-directory "$results" --logger "trx" 2>&1 | tee "$log_file" || status=$?
  # The server suite once more on PostgreSQL (a throwaway cluster the tests start), same tests.
  log "running the server tests against PostgreSQL"
  CODESIGN_TEST_STORE=postgres dotnet test tests/SigningServer.Tests -c "$CONFIGURATION" --no-build -nologo \
    --blame-hang-timeout 10m --results-directory "$results/postgres" --logger "trx" 2>&1 | tee -a "$log_file" || status=$?
  log "running the real signing clients against SoftHSM2 and our module (tools/softhsm-harness)"
  timeout 30m tools/softhsm-harness/run.sh 2>&1 | tee "$results/harness.log" || true
  check_build_ps1 2>&1 | tee "$results/build-ps1.log" || status=$?
  summarize "$log_file" "$status" "$results/harness.log"
}

# build.ps1 under PowerShell (a .NET tool, PowerShell 7.6.9, in artifacts/tools), so it cannot rot:
# on Linux it also publishes the server and csign for win-x64 and says which Windows steps it skips.
check_build_ps1() {
  local pwsh="$ARTIFACTS/tools/pwsh"
  [[ -x "$pwsh" ]] || dotnet tool install PowerShell --version 7.6.9 --tool-path "$ARTIFACTS/tools" >/dev/null
  log "checking build.ps1 build under $("$pwsh" -NoProfile -Command '$PSVersionTable.PSVersion.ToString()')"
  CODESIGN_REUSE_BUILD=1 "$pwsh" -NoProfile -NonInteractive -File ./build.ps1 build
}

# One closing line for the whole run, in the form CI reads: "tests: N passed, N failed, N skipped".
# The harness log (third argument) ends with "N passed, M failed, K skipped"; no such line counts as a failure.
summarize() {
  local file="$1" status="$2" harness="${3:-}" passed=0 failed=0 skipped=0 assemblies=0 line p f s
  while IFS= read -r line; do
    f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
    failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s)); assemblies=$((assemblies + 1))
  done < <(grep -E '^(Passed|Failed)! +- Failed: ' "$file" || true)
  if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
  if [[ -n "$harness" ]]; then
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$harness" | tail -n 1 || true)
    if [[ -n "$line" ]]; then
      read -r p _ f _ s _ <<<"${line//,/}"
      passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    else
      echo "build.sh: the harness did not finish" >&2; failed=$((failed + 1))
    fi
  fi
  if [[ $assemblies -eq 0 || $passed -eq 0 ]]; then
    echo "build.sh: no test ran" >&2; failed=$((failed > 0 ? failed : 1))
  fi
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  [[ $failed -eq 0 ]]
}

# The demo needs only Java 17's jar, jarsigner and keytool, installed like the test tools.
run_demo() {
  TEST_TOOLS=("${JAVA_TOOLS[@]}")
  ensure_test_tools
  build
  log "running the demo (tools/demo/demo.sh)"
  "$ROOT/tools/demo/demo.sh"
}

# bench/CodeSigning.Bench: results to bench/results/<date>.json and -throughput.png, docs/performance.md.
run_bench() {
  TEST_TOOLS=("${BENCH_TOOLS[@]}")
  ensure_test_tools
  build
  log "running the benchmarks${BENCH_QUICK:+ (quick smoke run)}"
  dotnet run --project bench/CodeSigning.Bench -c "$CONFIGURATION" --no-build
}

# ./build.sh profile: dotnet-trace samples the published server under the bench's EC P-256 load through
# our library at 8 and 1 threads; traces and their summaries (bench/profile_summary.py) go to artifacts/profile/.
run_profile() {
  TEST_TOOLS=("${BENCH_TOOLS[@]}")
  ensure_test_tools
  build
  local tools="$ARTIFACTS/tools"
  [[ -x "$tools/dotnet-trace" ]] || dotnet tool install --tool-path "$tools" dotnet-trace --version 10.0.750501 >/dev/null
  log "profiling the server"
  dotnet run --project bench/CodeSigning.Bench -c "$CONFIGURATION" --no-build -- --profile "$tools/dotnet-trace" --algorithms p256 --threads 8,1
}

usage() {
  cat >&2 <<USAGE
usage: ./build.sh <verb>
  build   compile everything; NativeAOT module to artifacts/native/<rid>/, server to artifacts/server/, CLI to artifacts/cli/
  test    build, then run every test (installs missing test tools with apt-get when root)
          --heavy also runs the long tests (long fuzzing, larger loads): sets CODESIGN_TEST_HEAVY=1
  demo    run the product end to end on the embedded default
  bench   build, then run the benchmarks in bench/ (about 15 minutes; installs missing tools with apt-get when root)
          --quick runs every part very briefly, as a smoke test: sets BENCH_QUICK=1
  profile build, then sample the server with dotnet-trace under EC P-256 load (8 and 1 threads) into artifacts/profile/
USAGE
}

case "${1:-}" in
  build) build ;;
  test)
    [[ "${2:-}" == "--heavy" ]] && export CODESIGN_TEST_HEAVY=1
    run_tests ;;
  demo) run_demo ;;
  bench)
    [[ "${2:-}" == "--quick" ]] && export BENCH_QUICK=1
    run_bench ;;
  profile) run_profile ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
