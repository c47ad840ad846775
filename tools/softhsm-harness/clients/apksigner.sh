# apksigner with a SunPKCS11 keystore, schemes v1 + v2 + v3, verified by `apksigner verify -v`.
# --min-sdk-version 24 makes v1 use SHA-256; the verifier runs with 23 so that it checks v1 too
# (from 24 on it relies on v2 alone), and --print-certs must show the token's leaf.
client_apksigner() {
  local kind apk scheme
  for kind in "${KINDS[@]}"; do
    apk="$OUT/signed-$kind.apk"
    # SunPKCS11 is not exported to apksigner's unnamed module on Java 9+.
    step "apksigner sign v1+v2+v3 ($kind)" apksigner -J-add-exports=jdk.crypto.cryptoki/sun.security.pkcs11=ALL-UNNAMED \
      sign --provider-class sun.security.pkcs11.SunPKCS11 --provider-arg "$(sunpkcs11_cfg "$kind")" \
      --ks NONE --ks-type PKCS11 --ks-pass "pass:$(java_storepass)" --ks-key-alias "$(signer_name "$kind")" \
      --min-sdk-version 24 --v1-signing-enabled true --v2-signing-enabled true --v3-signing-enabled true \
      --out "$apk" "$ARTIFACTS/in.apk" || return 1
    capture "apksigner verify ($kind)" "$OUT/verify-$kind.txt" \
      apksigner verify -v --print-certs --min-sdk-version 23 "$apk" || return 1
    for scheme in 'v1 scheme \(JAR signing\)' 'v2 scheme' 'v3 scheme'; do
      expect_output "apksigner verify: $scheme ($kind)" "$OUT/verify-$kind.txt" "^Verified using $scheme.*: true$" || return 1
    done
    expect_output "apksigner signer is the token's leaf ($kind)" "$OUT/verify-$kind.txt" \
      "certificate SHA-256 digest: $(openssl x509 -in "$(kind_dir "$kind")/leaf.pem" -outform der | sha256sum | cut -d' ' -f1)$" || return 1
  done
}
