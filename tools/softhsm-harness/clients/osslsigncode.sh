# osslsigncode through the libp11 engine with PKCS#11 URIs for the key and the leaf, verified by
# `osslsigncode verify` against the module's root only. The PIN goes through -pass: libp11 0.4.12
# takes at most 32 characters from a URI's pin-value, less than an API key.
#   osslsigncode          a PE file and an MSI (any osslsigncode)
#   osslsigncode-scripts  a PowerShell script, a catalog (.cat) and an APPX package, which need
#                         osslsigncode 2.8 or later (PowerShell signing and CAT verification came
#                         in 2.8; Debian 12 ships 2.5, bookworm-backports 2.9)
OSSLSIGNCODE_SCRIPTS_VERSION=2.8

client_osslsigncode() {
  local kind file
  for kind in "${KINDS[@]}"; do
    for file in exe msi; do
      osslsigncode_sign_verify "$kind" "$file" || return 1
    done
  done
}

client_osslsigncode_scripts() {
  local kind file version
  version=$(osslsigncode --version 2>/dev/null | sed -n '1s/^osslsigncode \([0-9.]*\).*/\1/p')
  if [[ "$(printf '%s\n' "$OSSLSIGNCODE_SCRIPTS_VERSION" "$version" | sort -V | head -n 1)" != "$OSSLSIGNCODE_SCRIPTS_VERSION" ]]; then
    skip "osslsigncode ${version:-?} cannot sign PowerShell scripts or verify catalogs: needs $OSSLSIGNCODE_SCRIPTS_VERSION or later (bookworm-backports has 2.9)"
    return 0
  fi
  for kind in "${KINDS[@]}"; do
    for file in ps1 cat appx; do
      osslsigncode_sign_verify "$kind" "$file" || return 1
    done
    expect_output "the signed script keeps its code ($kind)" "$OUT/signed-$kind.ps1" '^Write-Output "CodeSigning harness"' || return 1
    expect_output "the signed script carries a signature block ($kind)" "$OUT/signed-$kind.ps1" '^# SIG # Begin signature block' || return 1
    # The verifier reads the package: one changed byte in a file fails it.
    perl -pe 's/harness payload/harness PAYLOAD/' "$OUT/signed-$kind.appx" >"$OUT/tampered-$kind.appx"
    expect_refusal "osslsigncode verify of a changed APPX ($kind)" 'MISMATCH' \
      osslsigncode verify -CAfile "$TRUST_ROOT" -in "$OUT/tampered-$kind.appx" || return 1
    capture "osslsigncode verify -verbose cat ($kind)" "$OUT/catalog-$kind.txt" \
      osslsigncode verify -verbose -CAfile "$TRUST_ROOT" -in "$OUT/signed-$kind.cat" || return 1
    expect_output "the catalog lists its member ($kind)" "$OUT/catalog-$kind.txt" \
      "Message digest: $(sha256sum "$ARTIFACTS/in.ps1" | cut -c1-64 | tr a-f A-F)" || return 1
  done
}

# osslsigncode_sign_verify KIND EXT: signs $ARTIFACTS/in.EXT with KIND's key, verifies the result.
osslsigncode_sign_verify() {
  local kind="$1" file="$2" signer uri
  signer=$(signer_name "$kind"); uri="pkcs11:token=$signer;object=$signer"
  step "osslsigncode sign $file ($kind)" osslsigncode sign -pkcs11engine "$ENGINE_LIB" -pkcs11module "$MODULE_LIB" \
    -pkcs11cert "$uri;type=cert" -key "$uri;type=private" ${MODULE_PIN:+-pass "$MODULE_PIN"} \
    -ac "$(kind_dir "$kind")/intermediates.pem" -h sha256 -n "CodeSigning harness" \
    -in "$ARTIFACTS/in.$file" -out "$OUT/signed-$kind.$file" || return 1
  step "osslsigncode verify $file ($kind)" osslsigncode verify -CAfile "$TRUST_ROOT" -in "$OUT/signed-$kind.$file"
}
