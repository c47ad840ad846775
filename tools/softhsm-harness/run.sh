#!/usr/bin/env bash
# Runs real signing clients against SoftHSM2 (the reference) and our PKCS#11 module side by side, on
# the same freshly made artifacts, and verifies every result with an independent verifier.
#
#   run.sh [--modules softhsm,ours,ours-pin] [--clients a,b] [--spy DIR] [--keep]
#
#   --modules  which modules to run (default: all three). softhsm: SoftHSM2, the reference; ours: our
#              module with the API key in its configuration; ours-pin: no credential in the
#              configuration, every client logs in with the API key as PIN
#   --clients  which clients to run (default: all, in the order of CLIENTS below)
#   --spy DIR  route every client through opensc's pkcs11-spy and keep one call log per client and
#              module in DIR (summarize them with spy-summary.sh)
#   --keep     keep the temporary directory (signed files, per-client logs) and print its path
#
# Prints "PASS <client> <module>", "SKIP <client> <module>: <why it cannot run here>" or
# "FAIL <client> <module>: <reason>" per client and module, then "N passed, M failed, K skipped";
# exits 1 when anything failed. "ours" needs `./build.sh build` first.
# Environment: CODESIGN_PKCS11_MODULE, CODESIGN_SERVER_BINARY, CODESIGN_CLI_BINARY (default: the
# build outputs), HARNESS_SOFTHSM_LIB, HARNESS_P11KIT_PROXY, HARNESS_PKCS11_PROVIDER (sign-file),
# HARNESS_STEP_TIMEOUT (seconds per step, default 180).
set -euo pipefail

HARNESS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HARNESS_DIR/../.." && pwd)"
MODULES=softhsm,ours,ours-pin
CLIENTS_SELECTED=""
export HARNESS_SPY_DIR="" HARNESS_KEEP=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --modules) MODULES="$2"; shift 2 ;;
    --clients) CLIENTS_SELECTED="$2"; shift 2 ;;
    --spy) HARNESS_SPY_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --keep) HARNESS_KEEP=1; shift ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

for f in "$HARNESS_DIR"/lib/*.sh "$HARNESS_DIR"/clients/*.sh; do
  # shellcheck source=/dev/null
  source "$f"
done

CLIENTS=(jarsigner apksigner osslsigncode osslsigncode-scripts openssl pkcs11-tool p11tool sbsign gpg rpm debsigs skopeo p11-kit sign-file)
if [[ -n "$CLIENTS_SELECTED" ]]; then
  IFS=',' read -r -a chosen <<<"$CLIENTS_SELECTED"
  for client in "${chosen[@]}"; do
    declare -F "client_${client//-/_}" >/dev/null || { echo "run.sh: unknown client $client (${CLIENTS[*]})" >&2; exit 2; }
  done
  CLIENTS=("${chosen[@]}")
fi
ENGINE_LIB="${HARNESS_ENGINE_LIB:-$(openssl version -e | sed -E 's/^ENGINESDIR: "(.*)"$/\1/')/pkcs11.so}"
SPY_LIB="${HARNESS_SPY_LIB:-/usr/lib/$(uname -m)-linux-gnu/pkcs11/pkcs11-spy.so}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/softhsm-harness.XXXXXX")"
cleanup() {
  stop_ours
  if [[ -n "$HARNESS_KEEP" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export WORK HARNESS_DIR ENGINE_LIB SPY_LIB ARTIFACTS="$WORK/artifacts"

log "making the PKI and the unsigned artifacts in $WORK"
make_pki "$WORK/pki"
make_artifacts "$ARTIFACTS"

IFS=',' read -r -a selected <<<"$MODULES"
for module in "${selected[@]}"; do
  [[ "$module" =~ ^(softhsm|ours|ours-pin)$ ]] || { echo "run.sh: unknown module $module (softhsm, ours, ours-pin)" >&2; exit 2; }
  log "preparing module $module"
  # A module that cannot be prepared fails every client, with the setup's last words as the reason.
  # The subshell keeps errexit (a condition would switch it off for everything inside).
  set +e
  (set -e; "setup_${module//-/_}") 2>"$WORK/setup-$module.log"
  status=$?
  set -e
  if [[ $status -ne 0 ]]; then
    cat "$WORK/setup-$module.log" >&2
    for client in "${CLIENTS[@]}"; do
      record "FAIL $client $module: module setup failed: $(tail -n 1 "$WORK/setup-$module.log")"
    done
    continue
  fi
  for client in "${CLIENTS[@]}"; do
    run_client "$client" "$module"
  done
done

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[[ $FAILED -eq 0 ]]
