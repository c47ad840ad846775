# OpenPGP through gnupg-pkcs11-scd: gpg-agent runs it as its smart-card daemon, it offers the
# module's RSA keys as a card, and an OpenPGP key is made on the card key's keygrip. gnupg-pkcs11-scd
# 0.10 offers RSA keys only, so the OpenPGP clients sign with the rsa Signer alone.

# gpg_verify_home: $OUT/verify, a GNUPGHOME for the verifier holding only the exported public key.
gpg_verify_home() {
  mkdir -m 700 "$OUT/verify"
  GNUPGHOME="$OUT/verify" gpg --batch --import "$OUT/gpg-pub.asc"
}

# gpg_stop_agents: the agents (and card daemon) the client's homes started.
gpg_stop_agents() {
  local home
  for home in "$OUT/gnupg" "$OUT/verify"; do
    [[ -d "$home" ]] && GNUPGHOME="$home" gpgconf --kill all >/dev/null 2>&1
  done
  return 0
}

# gpg_card_key: a fresh GNUPGHOME in $OUT/gnupg holding an OpenPGP key on the rsa Signer's token;
# exports GNUPGHOME and GPG_FPR (its fingerprint), writes $OUT/gpg-pub.asc. The agent and the card
# daemon stop when the client's subshell exits. A login-required module gets its PIN from a
# pinentry that answers with it (in production: any pinentry, the PIN is the API key).
gpg_card_key() {
  local signer grip
  signer=$(signer_name rsa)
  export GNUPGHOME="$OUT/gnupg"
  mkdir -m 700 "$GNUPGHOME"
  trap 'gpg_stop_agents' EXIT
  # Assuan pinentry: OK to everything, the PIN (from a 0600 file) to GETPIN.
  (umask 077 && printf '%s\n' "$MODULE_PIN" >"$GNUPGHOME/pin")
  cat >"$GNUPGHOME/pinentry.sh" <<'SH'
#!/bin/sh
echo "OK harness pinentry"
while read -r command _; do
  case "$command" in
    GETPIN) printf 'D %s\nOK\n' "$(cat "$(dirname "$0")/pin")" ;;
    BYE) echo OK; exit 0 ;;
    *) echo OK ;;
  esac
done
SH
  chmod 700 "$GNUPGHOME/pinentry.sh"
  printf 'scdaemon-program %s\npinentry-program %s\n' "$(command -v gnupg-pkcs11-scd)" "$GNUPGHOME/pinentry.sh" \
    >"$GNUPGHOME/gpg-agent.conf"
  # A login-required token shows its objects (the certificate included) only after login. debug-all
  # logs every PKCS#11 return code (never the PIN).
  printf 'verbose\ndebug-all\nlog-file %s\nproviders p1\nprovider-p1-library %s\n%s' "$OUT/gnupg-pkcs11-scd.log" "$MODULE_LIB" \
    "${MODULE_PIN:+provider-p1-cert-private
}" >"$GNUPGHOME/gnupg-pkcs11-scd.conf"
  # SHA-256 where a tool leaves the choice to gpg (debsigs' --openpgp would take SHA-1, which our
  # module refuses).
  printf 'personal-digest-preferences SHA256\ncert-digest-algo SHA256\n' >"$GNUPGHOME/gpg.conf"

  # LEARN --sendinfo makes the agent store a stub for every card key (what `gpg --card-status` does);
  # SCD LEARN first, because only there does the agent answer the daemon's PIN request (pinentry).
  capture "gpg-agent learns the card" "$OUT/learn.txt" gpg-connect-agent 'SCD LEARN --force' 'LEARN --sendinfo' /bye || return 1
  grip=$(awk -v t=" on $signer" '$2 == "KEY-FRIEDNLY" && substr($0, length($0) - length(t) + 1) == t { print $3; exit }' "$OUT/learn.txt")
  [[ -n "$grip" ]] || { echo "gnupg-pkcs11-scd offers no key of token $signer" >"$REASON_FILE"; return 1; }
  printf 'Key-Type: RSA\nKey-Grip: %s\nKey-Usage: sign\nName-Real: %s\nName-Email: %s@example.invalid\nExpire-Date: 0\n%%commit\n' \
    "$grip" "$signer" "$signer" >"$OUT/keygen.txt"
  capture "gpg makes an OpenPGP key on the card key $grip" "$OUT/keygen-status.txt" \
    gpg --batch --status-fd 1 --gen-key "$OUT/keygen.txt" || return 1
  GPG_FPR=$(sed -n 's/^\[GNUPG:\] KEY_CREATED P //p' "$OUT/keygen-status.txt")
  [[ -n "$GPG_FPR" ]] || { echo "gpg reported no key created" >"$REASON_FILE"; return 1; }
  export GPG_FPR
  step "gpg exports the public key" gpg --batch --armor --output "$OUT/gpg-pub.asc" --export "$GPG_FPR" || return 1
  note "RSA only: gnupg-pkcs11-scd 0.10 offers no EC key"
}
