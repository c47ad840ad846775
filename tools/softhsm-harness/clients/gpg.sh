# gpg through gnupg-pkcs11-scd (lib/gpg.sh): a detached signature, verified by gpg with a keyring
# holding only the exported public key.
client_gpg() {
  gpg_card_key || return 1
  step "gpg --detach-sign" gpg --batch --local-user "$GPG_FPR" --detach-sign --output "$OUT/data.sig" "$ARTIFACTS/data.bin" || return 1
  step "a fresh keyring imports the public key" gpg_verify_home || return 1
  capture "gpg --verify" "$OUT/verify.txt" env GNUPGHOME="$OUT/verify" gpg --batch --status-fd 1 --verify "$OUT/data.sig" "$ARTIFACTS/data.bin" || return 1
  expect_output "a valid signature by the card key" "$OUT/verify.txt" "^\[GNUPG:\] VALIDSIG $GPG_FPR " || return 1
}
