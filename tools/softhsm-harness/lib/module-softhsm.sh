# The reference module: a fresh SoftHSM2 store with one token per signer, holding the objects our
# module exposes, named the same way: private key (sign only) + public key + leaf certificate with
# label = signer name and one short CKA_ID, then each chain certificate labelled with its CN.

SOFTHSM_LIB="${HARNESS_SOFTHSM_LIB:-/usr/lib/softhsm/libsofthsm2.so}"
PIN_SOFTHSM=12345678

# key_id CERT: our module's CKA_ID, the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo.
key_id() {
  openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform der | sha256sum | cut -c1-16
}

# setup_softhsm: writes $WORK/modules/softhsm.env.
setup_softhsm() {
  local d="$WORK/softhsm" kind signer uri id cert
  mkdir -p "$d/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$d/tokens" >"$d/softhsm2.conf"
  export SOFTHSM2_CONF="$d/softhsm2.conf" GNUTLS_PIN="$PIN_SOFTHSM"
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind")
    timeout "$STEP_TIMEOUT" softhsm2-util --init-token --free --label "$signer" --so-pin 87654321 --pin "$PIN_SOFTHSM" >/dev/null
    uri="pkcs11:token=$signer"
    id=$(key_id "$WORK/pki/$kind.pem")
    timeout "$STEP_TIMEOUT" p11tool --provider "$SOFTHSM_LIB" --login --write --load-privkey "$WORK/pki/$kind.key" \
      --label "$signer" --id "$id" --mark-sign --mark-private "$uri" >/dev/null
    openssl pkey -in "$WORK/pki/$kind.key" -pubout -out "$d/$kind.pub"
    timeout "$STEP_TIMEOUT" p11tool --provider "$SOFTHSM_LIB" --login --write --load-pubkey "$d/$kind.pub" \
      --label "$signer" --id "$id" "$uri" >/dev/null
    timeout "$STEP_TIMEOUT" p11tool --provider "$SOFTHSM_LIB" --login --write --load-certificate "$WORK/pki/$kind.pem" \
      --label "$signer" --id "$id" "$uri" >/dev/null
    for cert in issuing root; do
      timeout "$STEP_TIMEOUT" p11tool --provider "$SOFTHSM_LIB" --login --write --load-certificate "$WORK/pki/$cert.pem" \
        --label "$(openssl x509 -in "$WORK/pki/$cert.pem" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= //p')" \
        --id "$(key_id "$WORK/pki/$cert.pem")" "$uri" >/dev/null
    done
  done
  unset GNUTLS_PIN
  write_module_env softhsm "$SOFTHSM_LIB" "$PIN_SOFTHSM" "$WORK/pki/root.pem" "export SOFTHSM2_CONF='$SOFTHSM2_CONF'; MODULE_IS_REFERENCE=1"
}
