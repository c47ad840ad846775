# sbsign (sbsigntool) signs a UEFI application through the libp11 engine (`--engine pkcs11` with a
# PKCS#11 URI as the key), verified by `sbverify --cert` against the module's root; the issuing
# certificate goes in with --addcert.
client_sbsign() {
  local kind signer efi
  engine_openssl_cnf
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind"); efi="$OUT/signed-$kind.efi"
    step "sbsign --engine pkcs11 ($kind)" sbsign --engine pkcs11 --key "pkcs11:token=$signer;object=$signer;type=private" \
      --cert "$(kind_dir "$kind")/leaf.pem" --addcert "$(kind_dir "$kind")/intermediates.pem" \
      --output "$efi" "$ARTIFACTS/in.efi" || return 1
    step "sbverify --cert root ($kind)" sbverify --cert "$TRUST_ROOT" "$efi" || return 1
  done
}
