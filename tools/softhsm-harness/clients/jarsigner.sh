# jarsigner through SunPKCS11, verified by `jarsigner -verify -strict` against a truststore holding
# only the module's root, which fails unless the chain is embedded in the signature.
client_jarsigner() {
  local kind signer jar trust="$OUT/trust.p12"
  step "import the trust root" keytool -importcert -noprompt -alias root -file "$TRUST_ROOT" \
    -keystore "$trust" -storetype PKCS12 -storepass changeit || return 1
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind"); jar="$OUT/signed-$kind.jar"
    step "jarsigner sign ($kind)" jarsigner -keystore NONE -storetype PKCS11 \
      -addprovider SunPKCS11 -providerArg "$(sunpkcs11_cfg "$kind")" -storepass "$(java_storepass)" \
      -sigalg "$(java_sigalg "$kind")" -digestalg SHA-256 -signedjar "$jar" "$ARTIFACTS/in.jar" "$signer" || return 1
    step "jarsigner -verify -strict ($kind)" jarsigner -verify -strict -keystore "$trust" -storepass changeit "$jar" || return 1
    unzip -p "$jar" "META-INF/*.$([[ $kind == rsa ]] && echo RSA || echo EC)" >"$OUT/$kind.p7b"
    step "leaf and issuing certificates embedded ($kind)" pkcs7_holds "$OUT/$kind.p7b" "$(kind_dir "$kind")/chain.pem" || return 1
  done
}

# pkcs7_holds P7B PEMS: every certificate in PEMS is embedded in the DER PKCS#7 P7B.
pkcs7_holds() {
  local embedded subject
  embedded=$(openssl pkcs7 -inform der -in "$1" -print_certs -noout | grep '^subject=')
  while IFS= read -r subject; do
    grep -qxF -- "$subject" <<<"$embedded" || { echo "not embedded: $subject"; return 1; }
  done < <(openssl crl2pkcs7 -nocrl -certfile "$2" | openssl pkcs7 -print_certs -noout | grep '^subject=')
}
