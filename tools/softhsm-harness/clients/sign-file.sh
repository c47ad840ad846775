# sign-file (kernel modules) built against OpenSSL 3 loads the key through the pkcs11 provider
# (OSSL_STORE; libp11's engine is not used); Debian 12 ships no such provider, so the client is
# skipped unless a packaged provider and sign-file (linux-kbuild-*) are installed. Then it
# signs a stand-in module detached (-d) and openssl cms checks the signature against the leaf and
# the root. docs/clients/sign-file.md has the recipe, with the `default_properties = ?provider=default`
# setting our module's own TLS needs.
SIGN_FILE_PROVIDER="${HARNESS_PKCS11_PROVIDER:-/usr/lib/$(uname -m)-linux-gnu/ossl-modules/pkcs11.so}"

client_sign_file() {
  local sign_file kind signer
  sign_file=$(compgen -G '/usr/lib/linux-kbuild-*/scripts/sign-file' | head -n 1 || true)
  if [[ ! -e "$SIGN_FILE_PROVIDER" ]]; then
    skip "no OpenSSL 3 pkcs11-provider at $SIGN_FILE_PROVIDER (Debian 12 does not package it)"; return 0
  fi
  [[ -n "$sign_file" ]] || { skip "no sign-file (Debian: linux-kbuild-*)"; return 0; }
  export OPENSSL_CONF="$OUT/openssl-provider.cnf"
  (umask 077 && cat >"$OPENSSL_CONF" <<CNF
openssl_conf = openssl_init
[openssl_init]
providers = provider_section
alg_section = algorithm_section
[provider_section]
default = default_section
pkcs11 = pkcs11_section
[default_section]
activate = 1
[pkcs11_section]
module = $SIGN_FILE_PROVIDER
pkcs11-module-path = $MODULE_LIB
${MODULE_PIN:+pkcs11-module-token-pin = file:$OUT/pin}
activate = 1
[algorithm_section]
default_properties = ?provider=default
CNF
  )
  (umask 077 && printf '%s' "$MODULE_PIN" >"$OUT/pin")
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind")
    cp "$ARTIFACTS/data.bin" "$OUT/module-$kind.ko"
    step "sign-file -d ($kind)" "$sign_file" -d sha256 "pkcs11:token=$signer;object=$signer;type=private" \
      "$(kind_dir "$kind")/leaf.pem" "$OUT/module-$kind.ko" || return 1
    step "openssl cms -verify ($kind)" env -u OPENSSL_CONF openssl cms -verify -binary -inform DER -in "$OUT/module-$kind.ko.p7s" \
      -content "$OUT/module-$kind.ko" -certfile "$(kind_dir "$kind")/leaf.pem" -CAfile "$TRUST_ROOT" \
      -untrusted "$(kind_dir "$kind")/intermediates.pem" -purpose any -out /dev/null || return 1
  done
}
