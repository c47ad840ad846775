# Our module against a real server: `codesign-server init` + serve on loopback (TLS), csign creates
# one Signer per key kind on the internal CA, and the module gets a configuration naming both, in
# two ways: "ours" with the API key in the configuration (no login), "ours-pin" with no credential
# in it (tokens need a login and the PIN is the API key).

SERVER_BIN="${CODESIGN_SERVER_BINARY:-$REPO_ROOT/artifacts/server/codesign-server}"
CSIGN_BIN="${CODESIGN_CLI_BINARY:-$REPO_ROOT/artifacts/cli/csign}"
# build.sh exports CODESIGN_PKCS11_MODULE; run directly, take the build output for this machine.
OURS_LIB="${CODESIGN_PKCS11_MODULE:-$REPO_ROOT/artifacts/native/linux-$([[ $(uname -m) == aarch64 ]] && echo arm64 || echo x64)/libcodesign-pkcs11.so}"

# start_server: the server, its admin API key, the two Signers and their root, once per run; writes
# $WORK/ours/{api-key,url,tls.pem,root.pem}. The server runs until stop_ours.
start_server() {
  local d="$WORK/ours" url="" cert="" kind f
  [[ -s "$d/root.pem" ]] && return 0
  [[ ! -e "$d/server.pid" ]] || { echo "the server's setup failed for an earlier module" >&2; return 1; }
  local -A algorithms=([rsa]=rsa-3072 [ec]=ec-p256)
  for f in "$SERVER_BIN" "$CSIGN_BIN" "$OURS_LIB"; do
    [[ -e "$f" ]] || { echo "missing $f: run ./build.sh build first" >&2; return 1; }
  done
  mkdir -p "$d"
  timeout "$STEP_TIMEOUT" "$SERVER_BIN" init --data-dir "$d/data" >"$d/init.txt" 2>"$d/init.err" ||
    { cat "$d/init.err" >&2; echo "codesign-server init failed" >&2; return 1; }
  (umask 077 && sed -n 's/^api-key: //p' "$d/init.txt" >"$d/api-key")
  [[ -s "$d/api-key" ]] || { echo "codesign-server init printed no api-key line" >&2; return 1; }

  "$SERVER_BIN" --data-dir "$d/data" --listen 127.0.0.1:0 >"$d/server.out" 2>"$d/server.err" &
  echo $! >"$d/server.pid"
  for _ in $(seq 1 "$((STEP_TIMEOUT * 5))"); do
    url=$(sed -n 's/^listening on //p' "$d/server.out")
    cert=$(sed -n 's/^tls certificate: \(.*\) sha256:.*/\1/p' "$d/server.out")
    [[ -n "$url" && -n "$cert" ]] && break
    kill -0 "$(cat "$d/server.pid")" 2>/dev/null || { cat "$d/server.err" >&2; echo "codesign-server exited" >&2; return 1; }
    sleep 0.2
  done
  [[ -n "$url" && -n "$cert" ]] || { echo "codesign-server did not report where it listens" >&2; return 1; }
  echo "$url" >"$d/url"; cp "$cert" "$d/tls.pem"

  export CODESIGN_CLI_CONFIG="$d/csign.json"
  unset CODESIGN_SERVER CODESIGN_API_KEY
  timeout "$STEP_TIMEOUT" "$CSIGN_BIN" login --server "$url" --api-key-file "$d/api-key" --ca-file "$cert" >&2
  for kind in "${KINDS[@]}"; do
    timeout "$STEP_TIMEOUT" "$CSIGN_BIN" signer create --name "$(signer_name "$kind")" \
      --algorithm "${algorithms[$kind]}" --ca internal >&2
  done
  # The trust anchor comes from the Sign API, not from the module: the chain's self-signed root.
  timeout "$STEP_TIMEOUT" "$CSIGN_BIN" signer export-chain "$(signer_name rsa)" --out "$d/chain.pem" >&2
  openssl crl2pkcs7 -nocrl -certfile "$d/chain.pem" | openssl pkcs7 -print_certs |
    awk -v out="$d/root.pem" '/BEGIN CERT/ { pem = "" } { pem = pem $0 "\n" } /END CERT/ { last = pem } END { printf "%s", last > out }'
  openssl verify -CAfile "$d/root.pem" "$d/root.pem" >/dev/null ||
    { echo "the exported chain does not end with a self-signed root" >&2; return 1; }
}

# module_config FILE AUTH_LINE: a module configuration (0600) for both Signers.
module_config() {
  local d="$WORK/ours"
  (umask 077 && cat >"$1" <<JSON
{
  "servers": ["$(cat "$d/url")"],
  "tls_ca_file": "$d/tls.pem",$2
  "signers": ["$(signer_name rsa)", "$(signer_name ec)"],
  "log_level": "warning",
  "log_file": "$d/codesign-pkcs11.log"
}
JSON
  )
}

# setup_ours: writes $WORK/modules/ours.env. The configuration holds the API key file, so tokens
# need no login and clients get no PIN.
setup_ours() {
  start_server
  module_config "$WORK/ours/pkcs11.json" "
  \"auth\": { \"api_key_file\": \"$WORK/ours/api-key\" },"
  write_module_env ours "$OURS_LIB" "" "$WORK/ours/root.pem" \
    "export CODESIGN_PKCS11_CONFIG='$WORK/ours/pkcs11.json'; unset CODESIGN_SERVER CODESIGN_API_KEY"
}

# setup_ours_pin: writes $WORK/modules/ours-pin.env. No credential in the configuration: every
# client logs in with the API key as its PIN.
setup_ours_pin() {
  start_server
  module_config "$WORK/ours/pkcs11-pin.json" ""
  write_module_env ours-pin "$OURS_LIB" "$(cat "$WORK/ours/api-key")" "$WORK/ours/root.pem" \
    "export CODESIGN_PKCS11_CONFIG='$WORK/ours/pkcs11-pin.json'; unset CODESIGN_SERVER CODESIGN_API_KEY"
}

# stop_ours: stops the server this run started, if any (run.sh's EXIT trap, also on failure).
stop_ours() {
  local pid_file="$WORK/ours/server.pid" pid
  [[ -s "$pid_file" ]] || return 0
  pid=$(cat "$pid_file")
  kill -TERM "$pid" 2>/dev/null && timeout 30 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}
