# skopeo copy --sign-by (simple signing through gpg and gnupg-pkcs11-scd, lib/gpg.sh) of the run's
# OCI image to a dir: destination with --sign-identity, checked by `skopeo standalone-verify` with a
# keyring holding only the exported public key.
client_skopeo() {
  local dest="$OUT/image" identity="registry.example.invalid/codesigning/harness:1"
  gpg_card_key || return 1
  step "skopeo copy --sign-by" skopeo copy --quiet --sign-by "$GPG_FPR" --sign-identity "$identity" \
    "oci:$ARTIFACTS/oci:harness" "dir:$dest" || return 1
  [[ -s "$dest/signature-1" ]] || { echo "skopeo wrote no signature-1" >"$REASON_FILE"; return 1; }
  step "a fresh keyring imports the public key" gpg_verify_home || return 1
  capture "skopeo standalone-verify" "$OUT/verify.txt" env GNUPGHOME="$OUT/verify" \
    skopeo standalone-verify "$dest/manifest.json" "$identity" "$GPG_FPR" "$dest/signature-1" || return 1
  expect_output "the signature names the image's manifest digest" "$OUT/verify.txt" \
    "^Signature verified.*digest sha256:$(sha256sum "$dest/manifest.json" | cut -c1-64)" || return 1
  expect_refusal "another identity is refused" "not match" env GNUPGHOME="$OUT/verify" \
    skopeo standalone-verify "$dest/manifest.json" registry.example.invalid/other:1 "$GPG_FPR" "$dest/signature-1" || return 1
}
