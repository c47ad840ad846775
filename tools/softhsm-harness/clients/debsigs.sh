# debsigs --sign=origin through gpg and gnupg-pkcs11-scd (lib/gpg.sh) on a .deb built in the run,
# checked by debsig-verify with a policy and keyring of the run's own (--policies-dir,
# --keyrings-dir). debsigs runs `gpg --openpgp --detach-sign`, whose digest would be SHA-1 (refused
# by our module): gpg.conf's personal-digest-preferences SHA256 makes it SHA-256.
client_debsigs() {
  local deb="$OUT/signed.deb" keyid policies="$OUT/debsig/policies" keyrings="$OUT/debsig/keyrings"
  gpg_card_key || return 1
  [[ -n "${MODULE_IS_REFERENCE:-}" ]] || debsigs_sha1_refused || return 1
  cp "$ARTIFACTS/in.deb" "$deb"
  step "debsigs --sign=origin" debsigs --sign=origin --default-key="$GPG_FPR" "$deb" || return 1
  capture "debsigs --list" "$OUT/list.txt" debsigs --list "$deb" || return 1
  expect_output "the package holds an origin signature" "$OUT/list.txt" '^origin' || return 1
  keyid=${GPG_FPR: -16}
  mkdir -p "$policies/$keyid" "$keyrings/$keyid"
  step "debsig keyring" gpg --batch --output "$keyrings/$keyid/debsig.gpg" --export "$GPG_FPR" || return 1
  cat >"$policies/$keyid/harness.pol" <<POL
<?xml version="1.0"?>
<!DOCTYPE Policy SYSTEM "https://www.debian.org/debsig/1.0/policy.dtd">
<Policy xmlns="https://www.debian.org/debsig/1.0/">
  <Origin Name="CodeSigning harness" id="$keyid" Description="The harness's card key"/>
  <Selection>
    <Required Type="origin" File="debsig.gpg" id="$keyid"/>
  </Selection>
  <Verification MinOptional="0">
    <Required Type="origin" File="debsig.gpg" id="$keyid"/>
  </Verification>
</Policy>
POL
  capture "debsig-verify" "$OUT/verify.txt" debsig-verify --policies-dir "$policies" --keyrings-dir "$keyrings" "$deb" || return 1
  expect_output "debsig-verify accepts the package" "$OUT/verify.txt" '^debsig: Verified package from .* \(CodeSigning harness\)$' || return 1
  step "the origin signature is SHA-256" sh -c 'ar p "$1" _gpgorigin | gpg --list-packets | grep -q "digest algo 8,"' _ "$deb"
}

# debsigs_sha1_refused: without the SHA-256 preference, gpg --openpgp asks the card for a SHA-1
# signature, which our module refuses by design (CKM_RSA_PKCS takes SHA-256/384/512 DigestInfos
# only, as the server signs no SHA-1): gnupg-pkcs11-scd logs CKR_DATA_INVALID, gpg reports a card
# error, debsigs fails and the package stays unsigned.
debsigs_sha1_refused() {
  local deb="$OUT/sha1.deb"
  cp "$ARTIFACTS/in.deb" "$deb"
  mv "$GNUPGHOME/gpg.conf" "$GNUPGHOME/gpg.conf.sha256"
  expect_refusal "debsigs without a SHA-256 preference (SHA-1)" 'signing failed: Card error' \
    debsigs --sign=origin --default-key="$GPG_FPR" "$deb" || return 1
  expect_output "the module refused the SHA-1 DigestInfo" "$OUT/gnupg-pkcs11-scd.log" "rv=32-'CKR_DATA_INVALID'" || return 1
  mv "$GNUPGHOME/gpg.conf.sha256" "$GNUPGHOME/gpg.conf"
  step "the refused package is unchanged" cmp "$ARTIFACTS/in.deb" "$deb"
}
