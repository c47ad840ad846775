# rpm --addsign through gpg and gnupg-pkcs11-scd (lib/gpg.sh) on an rpm built in the run, checked by
# `rpm -Kv` with an rpm database of its own holding only the exported public key. Debian's rpm names
# /usr/bin/gpg2 as %__gpg, which Debian 12 does not have: the macro is set to gpg.
client_rpm() {
  local rpm="$OUT/signed.rpm" db="$OUT/rpmdb" keyid
  gpg_card_key || return 1
  cp "$ARTIFACTS/in.rpm" "$rpm"
  step "rpm --addsign" rpm --define "__gpg $(command -v gpg)" --define "_gpg_name $GPG_FPR" --define "_gpg_path $GNUPGHOME" \
    --define "_gpg_digest_algo sha256" --addsign "$rpm" || return 1
  step "rpm --initdb (the run's own database)" rpm --dbpath "$db" --initdb || return 1
  step "rpm --import the public key" rpm --dbpath "$db" --import "$OUT/gpg-pub.asc" || return 1
  capture "rpm -Kv" "$OUT/check.txt" rpm --dbpath "$db" -Kv "$rpm" || return 1
  keyid=$(tr 'A-F' 'a-f' <<<"${GPG_FPR: -8}")
  expect_output "rpm -Kv: a good RSA/SHA256 header signature by the card key" "$OUT/check.txt" \
    "Header V4 RSA/SHA256 Signature, key ID $keyid: OK" || return 1
  if grep -q 'NOKEY\|BAD\|NOTFOUND' "$OUT/check.txt"; then echo "rpm -Kv reports a problem" >"$REASON_FILE"; return 1; fi
}
