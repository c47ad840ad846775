# SunPKCS11 configuration for the Java clients (jarsigner, apksigner).

# sunpkcs11_cfg KIND: writes $OUT/KIND.cfg, one provider bound to the signer's slot, and prints its path.
sunpkcs11_cfg() {
  local cfg="$OUT/$1.cfg"
  printf 'name = %s\nlibrary = %s\nslot = %s\n' "$(signer_name "$1")" "$MODULE_LIB" "$(kind_slot "$1")" >"$cfg"
  printf '%s' "$cfg"
}

# Java's keystore password is the PIN; a module that needs no login still gets one, never used.
java_storepass() { printf '%s' "${MODULE_PIN:-unused}"; }

# java_sigalg KIND: the JCA signature algorithm for the signer's key.
java_sigalg() { [[ "$1" == rsa ]] && echo SHA256withRSA || echo SHA256withECDSA; }
