# p11tool (gnutls): list tokens, objects and certificates.
client_p11tool() {
  local kind signer tokens="$OUT/tokens.txt" list
  capture "p11tool --list-tokens" "$tokens" p11tool --provider "$MODULE_LIB" --list-tokens || return 1
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind")
    expect_output "p11tool lists token $signer" "$tokens" "^[[:space:]]*Label: $signer$" || return 1
    list="$OUT/objects-$kind.txt"
    # p11tool reads the PIN from GNUTLS_PIN when it logs in.
    GNUTLS_PIN="$MODULE_PIN" capture "p11tool --list-all ($kind)" "$list" p11tool --provider "$MODULE_LIB" \
      ${MODULE_PIN:+--login} --list-all "pkcs11:token=$signer" || return 1
    expect_output "p11tool lists the private key ($kind)" "$list" "object=$signer;type=private$" || return 1
    expect_output "p11tool lists the public key ($kind)" "$list" "object=$signer;type=public$" || return 1
    list="$OUT/certs-$kind.txt"
    GNUTLS_PIN="$MODULE_PIN" capture "p11tool --list-all-certs ($kind)" "$list" p11tool --provider "$MODULE_LIB" \
      ${MODULE_PIN:+--login} --list-all-certs "pkcs11:token=$signer" || return 1
    expect_output "p11tool lists the leaf ($kind)" "$list" "object=$signer;type=cert$" || return 1
    [[ $(grep -c 'type=cert$' "$list") -ge 2 ]] || { echo "p11tool lists no chain certificate ($kind)" >"$REASON_FILE"; return 1; }
  done
}
