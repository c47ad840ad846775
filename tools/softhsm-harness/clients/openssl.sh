# openssl dgst -sign and pkeyutl -sign through the libp11 engine (engine_openssl_cnf), verified with
# the token's leaf key.
client_openssl() {
  local kind signer key pub pss
  engine_openssl_cnf
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
