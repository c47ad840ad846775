# p11-kit: a module file (module: + x-init-reserved: naming the module's configuration, what
# `csign pkcs11 setup --p11-kit` writes) in a user's $XDG_CONFIG_HOME/pkcs11/modules, then
# pkcs11-tool through p11-kit-proxy.so lists the tokens and signs, verified with openssl. p11-kit
# ignores per-user module files for root, so the client runs as an unprivileged user (nobody) with
# copies of what it needs in a home of its own.
P11KIT_PROXY="${HARNESS_P11KIT_PROXY:-/usr/lib/$(uname -m)-linux-gnu/p11-kit-proxy.so}"

client_p11_kit() {
  local home kind signer run=() sig mech input
  home=$(mktemp -d "${TMPDIR:-/tmp}/harness-p11kit.XXXXXX")
  # shellcheck disable=SC2064 # the path now: $home is gone when the subshell exits
  trap "rm -rf '$home'" EXIT
  mkdir -p "$home/config/pkcs11/modules"
  p11_kit_user_files "$home" || return 1
  [[ $(id -u) -eq 0 ]] && { chown -R nobody "$home"; chmod 755 "$home"; run=(runuser -u nobody --); }
  run+=(env "XDG_CONFIG_HOME=$home/config" HOME="$home")
  [[ -n "${SOFTHSM2_CONF:-}" ]] && run+=("SOFTHSM2_CONF=$home/softhsm2.conf")
  capture "p11-kit list-modules" "$OUT/modules.txt" "${run[@]}" p11-kit list-modules || return 1
  capture "pkcs11-tool -L through p11-kit-proxy" "$OUT/slots.txt" "${run[@]}" pkcs11-tool --module "$P11KIT_PROXY" -L || return 1
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind"); sig="$home/data-$kind.sig"
    expect_output "p11-kit-proxy shows token $signer" "$OUT/slots.txt" "token label +: $signer$" || return 1
    # ECDSA over the digest: SoftHSM2 2.6 has no CKM_ECDSA_SHA256.
    [[ $kind == rsa ]] && mech=(SHA256-RSA-PKCS) input=data.bin || mech=(ECDSA --signature-format openssl) input=data.sha256
    cp "$ARTIFACTS/$input" "$home/$input"
    step "pkcs11-tool --sign through p11-kit-proxy ($kind)" "${run[@]}" pkcs11-tool --module "$P11KIT_PROXY" \
      --token-label "$signer" ${MODULE_PIN:+--login --pin "$MODULE_PIN"} --sign --mechanism "${mech[@]}" --label "$signer" \
      --input-file "$home/$input" --output-file "$sig" || return 1
    step "openssl verifies ($kind)" openssl pkeyutl -verify -pubin -inkey "$(kind_dir "$kind")/pub.pem" -pkeyopt digest:sha256 \
      -in "$ARTIFACTS/data.sha256" -sigfile "$sig" || return 1
  done
}

# p11_kit_user_files HOME: the module file, and copies of the module's configuration (and what it
# names) that the unprivileged user can read.
p11_kit_user_files() {
  local home="$1" config="${CODESIGN_PKCS11_CONFIG:-}" f
  if [[ -n "${SOFTHSM2_CONF:-}" ]]; then
    cp -r "$(sed -n 's/^directories.tokendir = //p' "$SOFTHSM2_CONF")" "$home/tokens"
    sed "s|^directories.tokendir = .*|directories.tokendir = $home/tokens|" "$SOFTHSM2_CONF" >"$home/softhsm2.conf"
    printf 'module: %s\n' "$MODULE_LIB" >"$home/config/pkcs11/modules/harness.module"
    return 0
  fi
  # The checkout may sit where the user cannot read (/root): the module is copied too.
  cp "$MODULE_LIB" "$home/module.so"
  for f in tls.pem api-key; do cp "$WORK/ours/$f" "$home/$f"; done
  sed -e "s|$WORK/ours/tls.pem|$home/tls.pem|" -e "s|$WORK/ours/api-key|$home/api-key|" \
    -e "s|$WORK/ours/codesign-pkcs11.log|$home/codesign-pkcs11.log|" "$config" >"$home/pkcs11.json"
  printf 'module: %s\nx-init-reserved: %s\n' "$home/module.so" "$home/pkcs11.json" >"$home/config/pkcs11/modules/harness.module"
}
