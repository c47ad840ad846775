# osslsigncode through the libp11 engine with PKCS#11 URIs for the key and the leaf, on a PE file and
# an MSI, verified by `osslsigncode verify` against the module's root only. The PIN goes through
# -pass: libp11 0.4.12 takes at most 32 characters from a URI's pin-value, less than an API key.
client_osslsigncode() {
  local kind signer file uri
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind")
    uri="pkcs11:token=$signer;object=$signer"
    for file in exe msi; do
      step "osslsigncode sign $file ($kind)" osslsigncode sign -pkcs11engine "$ENGINE_LIB" -pkcs11module "$MODULE_LIB" \
        -pkcs11cert "$uri;type=cert" -key "$uri;type=private" ${MODULE_PIN:+-pass "$MODULE_PIN"} \
        -ac "$(kind_dir "$kind")/intermediates.pem" -h sha256 -n "CodeSigning harness" \
        -in "$ARTIFACTS/in.$file" -out "$OUT/signed-$kind.$file" || return 1
      step "osslsigncode verify $file ($kind)" osslsigncode verify -CAfile "$TRUST_ROOT" -in "$OUT/signed-$kind.$file" || return 1
    done
  done
}
