# openssl dgst -sign and pkeyutl -sign through the libp11 engine, verified with the token's leaf key.
# The PIN is the engine's PIN setting: libp11 0.4.12 caps a URI's pin-value and its prompt at 32
# characters, less than an API key.
client_openssl() {
  local kind signer key pub pss
  export OPENSSL_CONF="$OUT/openssl.cnf"
  (umask 077 && cat >"$OPENSSL_CONF" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $ENGINE_LIB
MODULE_PATH = $MODULE_LIB
init = 0
${MODULE_PIN:+PIN = $MODULE_PIN}
CNF
  )
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind"); pub="$(kind_dir "$kind")/pub.pem"
    key="pkcs11:token=$signer;object=$signer;type=private"
    step "openssl dgst -sha256 -sign ($kind)" openssl dgst -sha256 -engine pkcs11 -keyform engine -sign "$key" \
      -out "$OUT/dgst-$kind.sig" "$ARTIFACTS/data.bin" || return 1
    step "openssl dgst -verify ($kind)" openssl dgst -sha256 -verify "$pub" -signature "$OUT/dgst-$kind.sig" "$ARTIFACTS/data.bin" || return 1
    step "openssl pkeyutl -sign ($kind)" openssl pkeyutl -engine pkcs11 -keyform engine -inkey "$key" -sign \
      -pkeyopt digest:sha256 -in "$ARTIFACTS/data.sha256" -out "$OUT/pkeyutl-$kind.sig" || return 1
    step "openssl pkeyutl -verify ($kind)" openssl pkeyutl -verify -pubin -inkey "$pub" -pkeyopt digest:sha256 \
      -in "$ARTIFACTS/data.sha256" -sigfile "$OUT/pkeyutl-$kind.sig" || return 1
    [[ "$kind" == rsa ]] || continue
    pss=(-pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32)
    step "openssl pkeyutl -sign PSS (rsa)" openssl pkeyutl -engine pkcs11 -keyform engine -inkey "$key" -sign "${pss[@]}" \
      -in "$ARTIFACTS/data.sha256" -out "$OUT/pss.sig" || return 1
    step "openssl pkeyutl -verify PSS (rsa)" openssl pkeyutl -verify -pubin -inkey "$pub" "${pss[@]}" \
      -in "$ARTIFACTS/data.sha256" -sigfile "$OUT/pss.sig" || return 1
  done
}
