#!/usr/bin/env bash
# The product end to end on the embedded default (SQLite + software vault), as a new user would run
# it: a fresh server, its first admin, a Signer made with csign, a fresh JAR signed by jarsigner
# through the PKCS#11 module and timestamped by the server's own TSA, verified against our root CA,
# and the audit events of that signature.
# Called by `./build.sh demo` after the build; exits 0 only if every step worked.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ARTIFACTS="$ROOT/artifacts"
SERVER="${CODESIGN_SERVER_BINARY:-$ARTIFACTS/server/codesign-server}"
CSIGN="$ARTIFACTS/cli/csign"
SIGNER=demo-jar-signer

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { echo "demo: $*" >&2; exit 1; }

WORK="$(mktemp -d -t codesign-demo.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Everything the demo writes stays in $WORK: csign's own configuration included.
export CODESIGN_CLI_CONFIG="$WORK/csign.json"
unset CODESIGN_SERVER CODESIGN_API_KEY CODESIGN_PKCS11_CONFIG

step "initializing a server in $WORK/data (database, key vault, internal CA, first admin)"
init_output="$("$SERVER" init --data-dir "$WORK/data" --admin-name admin)" || fail "codesign-server init failed"
api_key="$(sed -n 's/^api-key: //p' <<<"$init_output")"
[[ "$api_key" == csk_* ]] || fail "codesign-server init printed no api-key line"

step "starting the server (TLS, self-signed certificate, a free loopback port; its timestamp authority also on plain HTTP)"
# Created first: the background shell may not have opened them yet when we start reading.
: >"$WORK/server.out"; : >"$WORK/server.err"
"$SERVER" --data-dir "$WORK/data" --listen 127.0.0.1:0 --tsa-listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^listening on //p' "$WORK/server.out")"
  [[ -n "$url" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; fail "the server exited before listening"; }
  sleep 0.1
done
[[ -n "$url" ]] || fail "the server did not print 'listening on' within 30 s"
tls_cert="$(sed -n 's/^tls certificate: \([^ ]*\) .*/\1/p' "$WORK/server.out")"
[[ -f "$tls_cert" ]] || fail "the server did not name its TLS certificate"
tsa_url="$(sed -n 's/^timestamp authority: \(http:.*\)/\1/p' "$WORK/server.out")"
[[ -n "$tsa_url" ]] || fail "the server did not print its plain-HTTP timestamp authority URL"
echo "server at $url, TLS certificate $tls_cert, timestamp authority $tsa_url" >&2

step "csign login as the first admin (trusting the server's certificate)"
"$CSIGN" login --server "$url" --api-key "$api_key" --ca-file "$tls_cert"

step "the web console: a sign-in key for the admin, made for this demo (valid one day, shown once)"
console_key="$("$CSIGN" api-key create --description "demo console sign-in" --ttl 1d | sed -n 's/^api-key: //p')"
[[ "$console_key" == csk_* ]] || fail "csign api-key create printed no key"
echo "console: $url/console  (sign in with $console_key; the browser must accept the self-signed certificate)" >&2

step "csign signer create $SIGNER (internal CA, RSA 2048; the admin becomes its Administrator)"
"$CSIGN" signer create --name "$SIGNER" --algorithm rsa-2048 --description "the demo's JAR signing identity"

step "csign pkcs11 setup: module configuration, SunPKCS11 configuration, certificate chain"
"$CSIGN" pkcs11 setup --signer "$SIGNER" --dir "$WORK/pkcs11"
export CODESIGN_PKCS11_CONFIG="$WORK/pkcs11/pkcs11.json"
sun_config="$WORK/pkcs11/sunpkcs11.cfg"

step "making a fresh JAR"
mkdir -p "$WORK/jar/demo"
printf 'Signed by CodeSigning at %s\n' "$(date -u +%FT%TZ)" >"$WORK/jar/demo/hello.txt"
jar --create --file "$WORK/app.jar" -C "$WORK/jar" .

step "jarsigner signs it through libcodesign-pkcs11 (SunPKCS11), timestamped by the server's TSA; only digests leave this machine"
echo "(its 'certificate chain is invalid' warning is expected: the JDK does not know our root; the next step trusts it)" >&2
jarsigner -keystore NONE -storetype PKCS11 \
  -providerClass sun.security.pkcs11.SunPKCS11 -providerArg "$sun_config" \
  -storepass none -sigalg SHA256withRSA -tsa "$tsa_url" "$WORK/app.jar" "$SIGNER"

step "jarsigner -verify -strict against a truststore holding only our root CA"
keytool -importcert -noprompt -alias codesign-root -file "$WORK/pkcs11/root.pem" \
  -keystore "$WORK/truststore.p12" -storetype PKCS12 -storepass changeit >/dev/null 2>&1
verify_output="$(jarsigner -verify -strict -verbose:summary -certs \
  -keystore "$WORK/truststore.p12" -storetype PKCS12 -storepass changeit "$WORK/app.jar")" || { echo "$verify_output" >&2; fail "jarsigner -verify failed"; }
echo "$verify_output" >&2
grep -q 'Timestamped by "CN=CodeSigning Timestamp Authority' <<<"$verify_output" || fail "the JAR carries no timestamp from our TSA"
! grep -qi 'no timestamp\|do not include a timestamp' <<<"$verify_output" || fail "jarsigner still warns about a missing timestamp"

step "the audit events of that signature"
"$CSIGN" audit query --signer "$SIGNER" --type signature.
count="$("$CSIGN" audit query --signer "$SIGNER" --type signature.created --outcome success --json | grep -c '"type": "signature.created"' || true)"
[[ "$count" -ge 1 ]] || fail "no signature.created event recorded for $SIGNER"

if [[ -t 0 ]]; then
  echo "The server keeps running for the console at $url/console (key above); press Enter to stop it." >&2
  read -r _
fi

step "stopping the server"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "the server did not stop cleanly"
SERVER_PID=""
echo "demo: OK (JAR signed through the module and timestamped by our TSA, verified with the CodeSigning root, $count signature event(s) audited)" >&2
