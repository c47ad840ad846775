# Shared helpers: step execution with a timeout, per-client logs, result bookkeeping.
# Sourced by run.sh; expects WORK (the run's temporary directory) to be set.

STEP_TIMEOUT="${HARNESS_STEP_TIMEOUT:-180}"

log() { printf '==> %s\n' "$*" >&2; }

# step WHAT CMD...: runs CMD (a program under a timeout, or a local shell function), output appended
# to CLIENT_LOG. On failure it records WHAT as the reason (the command line itself is not logged:
# it may carry a PIN).
step() {
  local what="$1"; shift
  printf '+ %s\n' "$what" >>"$CLIENT_LOG"
  if declare -F "$1" >/dev/null; then
    "$@" >>"$CLIENT_LOG" 2>&1 && return 0
  elif timeout "$STEP_TIMEOUT" "$@" >>"$CLIENT_LOG" 2>&1; then
    return 0
  fi
  printf '%s\n' "$what" >"$REASON_FILE"
  return 1
}

# capture WHAT FILE CMD...: like step, and keeps CMD's output in FILE for expect_output.
capture() {
  local what="$1" file="$2" rc=0; shift 2
  printf '+ %s\n' "$what" >>"$CLIENT_LOG"
  timeout "$STEP_TIMEOUT" "$@" >"$file" 2>&1 || rc=$?
  cat "$file" >>"$CLIENT_LOG"
  [[ $rc -eq 0 ]] && return 0
  printf '%s\n' "$what" >"$REASON_FILE"
  return 1
}

# expect_refusal WHAT CODE CMD...: CMD must fail and name the exact CKR_* CODE in its output.
expect_refusal() {
  local what="$1" code="$2" out="$OUT/refusal.txt"; shift 2
  printf '+ %s (expect %s)\n' "$what" "$code" >>"$CLIENT_LOG"
  if timeout "$STEP_TIMEOUT" "$@" >"$out" 2>&1; then
    cat "$out" >>"$CLIENT_LOG"
    printf '%s: accepted, expected %s\n' "$what" "$code" >"$REASON_FILE"
    return 1
  fi
  cat "$out" >>"$CLIENT_LOG"
  expect_output "$what: $code" "$out" "$code"
}

# expect_output WHAT FILE PATTERN: fails unless FILE has a line matching the extended regex PATTERN.
expect_output() {
  local what="$1" file="$2" pattern="$3"
  if grep -Eq -- "$pattern" "$file"; then return 0; fi
  printf '+ %s: no line matches /%s/ in %s\n' "$what" "$pattern" "$file" >>"$CLIENT_LOG"
  printf '%s\n' "$what" >"$REASON_FILE"
  return 1
}

# note TEXT: a remark shown in the PASS line (an intended difference, a mechanism SoftHSM2 lacks).
note() { printf '%s\n' "$*" >>"$NOTES_FILE"; }

# skip REASON: the client cannot run on this machine (a tool missing or too old); run_client reports
# "SKIP" with REASON, never "PASS". The client returns right after it.
skip() { printf '%s\n' "$*" >"$SKIP_FILE"; }

PASSED=0
FAILED=0
SKIPPED=0

# record "PASS ..." | "FAIL ..." | "SKIP ...": counts and prints one summary line.
record() {
  case "$1" in
    PASS*) PASSED=$((PASSED + 1)) ;;
    SKIP*) SKIPPED=$((SKIPPED + 1)) ;;
    *) FAILED=$((FAILED + 1)) ;;
  esac
  printf '%s\n' "$1"
}

# run_client CLIENT MODULE: runs client_CLIENT in a subshell against MODULE's descriptor and prints
# "PASS CLIENT MODULE", "SKIP CLIENT MODULE: reason" or "FAIL CLIENT MODULE: reason (log)".
run_client() {
  local client="$1" module="$2" dir="$WORK/out/$2/$1" line
  mkdir -p "$dir"
  export CLIENT_LOG="$dir/client.log" REASON_FILE="$dir/reason" NOTES_FILE="$dir/notes" SKIP_FILE="$dir/skip" OUT="$dir"
  : >"$CLIENT_LOG"; rm -f "$REASON_FILE" "$NOTES_FILE" "$SKIP_FILE"
  if (
    # shellcheck source=/dev/null
    source "$WORK/modules/$module.env"
    use_spy "$client" "$module"
    "client_${client//-/_}"
  ); then
    if [[ -s "$SKIP_FILE" ]]; then record "SKIP $client $module: $(cat "$SKIP_FILE")"; return; fi
    line="PASS $client $module"
    [[ -s "$NOTES_FILE" ]] && line+=" ($(paste -sd, "$NOTES_FILE" | sed 's/,/, /g'))"
  else
    line="FAIL $client $module: $(cat "$REASON_FILE" 2>/dev/null || echo "exited early, see log")"
    if [[ -n "${HARNESS_KEEP:-}" ]]; then
      line+=" (log: $CLIENT_LOG)"
    else
      { printf -- '--- %s %s log (last 40 lines) ---\n' "$client" "$module"; tail -n 40 "$CLIENT_LOG"; } >&2
    fi
  fi
  record "$line"
}

# use_spy CLIENT MODULE: with HARNESS_SPY_DIR set, routes the client through opensc's pkcs11-spy,
# which logs every PKCS#11 call to HARNESS_SPY_DIR/CLIENT-MODULE.log before forwarding it.
use_spy() {
  [[ -n "${HARNESS_SPY_DIR:-}" ]] || return 0
  export PKCS11SPY="$MODULE_LIB" PKCS11SPY_OUTPUT="$HARNESS_SPY_DIR/$1-$2.log"
  MODULE_LIB="$SPY_LIB"
}
