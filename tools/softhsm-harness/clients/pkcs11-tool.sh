# pkcs11-tool (opensc): list slots and objects, sign with every mechanism our module supports
# (verified with openssl and the token's leaf key), `pkcs11-tool --test`, and for our module the
# refusals of key generation and object writing.

# mechanism | input | openssl verification of the signature, per key kind.
PKCS11_TOOL_MECHANISMS_rsa=(
  "RSA-PKCS|data.di256|pkeyutl sha256"
  "SHA256-RSA-PKCS|data.bin|dgst sha256"
  "SHA384-RSA-PKCS|data.bin|dgst sha384"
  "SHA512-RSA-PKCS|data.bin|dgst sha512"
  "RSA-PKCS-PSS|data.sha256|pkeyutl sha256 pss"
  "RSA-PKCS-PSS|data.sha384|pkeyutl sha384 pss"
  "RSA-PKCS-PSS|data.sha512|pkeyutl sha512 pss"
  "SHA256-RSA-PKCS-PSS|data.bin|dgst sha256 pss"
  "SHA384-RSA-PKCS-PSS|data.bin|dgst sha384 pss"
  "SHA512-RSA-PKCS-PSS|data.bin|dgst sha512 pss"
)
PKCS11_TOOL_MECHANISMS_ec=(
  "ECDSA|data.sha256|pkeyutl"
  "ECDSA-SHA256|data.bin|dgst sha256"
  "ECDSA-SHA384|data.bin|dgst sha384"
  "ECDSA-SHA512|data.bin|dgst sha512"
)

# pkcs11_tool_for ARRAY KIND: fills ARRAY with the pkcs11-tool command for KIND's token (+ login).
pkcs11_tool_for() {
  local -n cmd="$1"
  cmd=(pkcs11-tool --module "$MODULE_LIB" --token-label "$(signer_name "$2")" ${MODULE_PIN:+--login --pin "$MODULE_PIN"})
}

client_pkcs11_tool() {
  local kind signer p11 list mechs entry
  capture "pkcs11-tool -L" "$OUT/slots.txt" pkcs11-tool --module "$MODULE_LIB" -L || return 1
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind")
    expect_output "pkcs11-tool -L lists token $signer" "$OUT/slots.txt" "token label +: $signer$" || return 1
    pkcs11_tool_for p11 "$kind"
    list="$OUT/objects-$kind.txt"
    capture "pkcs11-tool -O ($kind)" "$list" "${p11[@]}" -O || return 1
    expect_output "private key $signer listed" "$list" '^Private Key Object' || return 1
    expect_output "certificate $signer listed" "$list" "^  label: +$signer$" || return 1
    mechs="$OUT/mechanisms-$kind.txt"
    capture "pkcs11-tool -M ($kind)" "$mechs" "${p11[@]}" -M || return 1
    local -n table="PKCS11_TOOL_MECHANISMS_$kind"
    for entry in "${table[@]}"; do
      pkcs11_tool_sign "$kind" "$entry" || return 1
    done
    pkcs11_tool_test "$kind" "${p11[@]}" || return 1
    [[ -n "${MODULE_IS_REFERENCE:-}" ]] || pkcs11_tool_refusals "$kind" "$list" || return 1
  done
}

# pkcs11_tool_test KIND PKCS11_TOOL...: `pkcs11-tool --test`. It opens a read-write session, which
# our write-protected tokens refuse with CKR_TOKEN_WRITE_PROTECTED (an intended difference, noted);
# any other failure fails the client.
pkcs11_tool_test() {
  local kind="$1" out="$OUT/test-$1.txt"; shift
  capture "pkcs11-tool --test ($kind)" "$out" "$@" --test && return 0
  [[ -z "${MODULE_IS_REFERENCE:-}" ]] &&
    grep -q 'C_OpenSession failed: rv = CKR_TOKEN_WRITE_PROTECTED' "$out" || return 1
  rm -f "$REASON_FILE"
  note "--test refused: read-write session on a write-protected token ($kind)"
}

# pkcs11_tool_refusals KIND OBJECTS_LISTING: our tokens are write-protected: generating a key pair
# or writing an object fails with the exact code and leaves the objects as they were.
pkcs11_tool_refusals() {
  local kind="$1" before="$2" p11 after="$OUT/objects-after-$1.txt"
  pkcs11_tool_for p11 "$kind"
  expect_refusal "key pair generation ($kind)" CKR_TOKEN_WRITE_PROTECTED \
    "${p11[@]}" --keypairgen --key-type EC:prime256v1 --label harness-generated || return 1
  expect_refusal "certificate writing ($kind)" CKR_TOKEN_WRITE_PROTECTED \
    "${p11[@]}" --write-object "$(kind_dir "$kind")/leaf.pem" --type cert --label harness-written || return 1
  capture "pkcs11-tool -O after the refusals ($kind)" "$after" "${p11[@]}" -O || return 1
  step "the refusals changed no object ($kind)" diff "$before" "$after"
}

# pkcs11_tool_sign KIND "MECHANISM|INPUT|VERIFY": one signature, checked by openssl. A mechanism
# the reference module does not offer is noted; our module must offer every one.
pkcs11_tool_sign() {
  local kind="$1" mech input verify hash pss=() sig out p11 pub opt
  IFS='|' read -r mech input verify <<<"$2"
  hash=$(awk '{print $2}' <<<"$verify"); pub="$(kind_dir "$kind")/pub.pem"
  if ! grep -Eq "^  $mech," "$OUT/mechanisms-$kind.txt"; then
    if [[ -n "${MODULE_IS_REFERENCE:-}" ]]; then note "$MODULE_NAME does not offer $mech"; return 0; fi
    printf '%s is not offered\n' "$mech" >"$REASON_FILE"; return 1
  fi
  sig="$OUT/$mech-$input.sig"; out=(-o "$sig")
  [[ "$kind" == ec ]] && out+=(--signature-format openssl)
  # Prehashed PSS needs its hash named; the SHAx variants take it from the mechanism.
  [[ "$mech" == RSA-PKCS-PSS ]] && out+=(--hash-algorithm "${hash^^}" --mgf "MGF1-${hash^^}")
  pkcs11_tool_for p11 "$kind"
  step "pkcs11-tool --sign -m $mech ($input)" "${p11[@]}" --sign -m "$mech" --label "$(signer_name "$kind")" \
    -i "$ARTIFACTS/$input" "${out[@]}" || return 1
  [[ "$verify" == dgst* ]] && opt=-sigopt || opt=-pkeyopt
  [[ "$verify" == *pss ]] && pss=("$opt" rsa_padding_mode:pss "$opt" rsa_pss_saltlen:-1)
  if [[ "$verify" == dgst* ]]; then
    step "openssl verifies $mech" openssl dgst "-$hash" -verify "$pub" "${pss[@]}" -signature "$sig" "$ARTIFACTS/$input"
  else
    step "openssl verifies $mech ($input)" openssl pkeyutl -verify -pubin -inkey "$pub" ${hash:+-pkeyopt "digest:$hash"} \
      "${pss[@]}" -in "$ARTIFACTS/${input/di256/sha256}" -sigfile "$sig"
  fi
}
