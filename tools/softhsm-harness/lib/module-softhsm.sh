# The reference module: a fresh SoftHSM2 store with one token per signer, holding the same objects
# our module exposes (private key for signing only, public key, leaf certificate with the key's
# CKA_ID, label = signer name, and the chain certificates).

SOFTHSM_LIB="${HARNESS_SOFTHSM_LIB:-/usr/lib/softhsm/libsofthsm2.so}"

# setup_softhsm: writes $WORK/modules/softhsm.env.
setup_softhsm() {
  local d="$WORK/softhsm" kind signer uri id
  mkdir -p "$d/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$d/tokens" >"$d/softhsm2.conf"
  export SOFTHSM2_CONF="$d/softhsm2.conf" GNUTLS_PIN="$PIN_SOFTHSM"
  for kind in rsa ec; do
    signer=$(signer_name "$kind")
    softhsm2-util --init-token --free --label "$signer" --so-pin 87654321 --pin "$PIN_SOFTHSM" >/dev/null
    uri="pkcs11:token=$signer"
    # A short CKA_ID shared by key and leaf: SunPKCS11 pairs them by it.
    id=$(openssl x509 -in "$WORK/pki/$kind.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :' | cut -c1-16)
    p11tool --provider "$SOFTHSM_LIB" --login --write --load-privkey "$WORK/pki/$kind.key" \
      --label "$signer" --id "$id" --mark-sign --mark-private "$uri" >/dev/null
    openssl pkey -in "$WORK/pki/$kind.key" -pubout -out "$d/$kind.pub"
    p11tool --provider "$SOFTHSM_LIB" --login --write --load-pubkey "$d/$kind.pub" \
      --label "$signer" --id "$id" "$uri" >/dev/null
    p11tool --provider "$SOFTHSM_LIB" --login --write --load-certificate "$WORK/pki/$kind.pem" \
      --label "$signer" --id "$id" "$uri" >/dev/null
    p11tool --provider "$SOFTHSM_LIB" --login --write --load-certificate "$WORK/pki/issuing.pem" \
      --label "Harness Issuing CA" "$uri" >/dev/null
    p11tool --provider "$SOFTHSM_LIB" --login --write --load-certificate "$WORK/pki/root.pem" \
      --label "Harness Root CA" "$uri" >/dev/null
  done
  unset GNUTLS_PIN
  write_module_env softhsm "$SOFTHSM_LIB" "$PIN_SOFTHSM" "$WORK/pki/root.pem" "export SOFTHSM2_CONF='$SOFTHSM2_CONF'; MODULE_IS_REFERENCE=1"
}
