# A module descriptor: $WORK/modules/NAME.env (sourced by every client run) and $WORK/modules/NAME/
# holding, per key kind, the token's slot id and the certificates read back from the token.
# Clients see: MODULE_NAME MODULE_LIB MODULE_PIN MODULE_DIR TRUST_ROOT (+ the module's own exports).

SIGNER_PREFIX="${HARNESS_SIGNER_PREFIX:-harness}"
KINDS=(rsa ec)

# signer_name KIND: the Signer (= token label = key and leaf label) holding the KIND key.
signer_name() { printf '%s-%s' "$SIGNER_PREFIX" "$1"; }

# write_module_env NAME LIB PIN TRUST_ROOT EXPORTS
write_module_env() {
  local name="$1" lib="$2" pin="$3" root="$4" exports="$5" dir="$WORK/modules/$1" kind signer
  mkdir -p "$dir"
  cat >"$WORK/modules/$name.env" <<ENV
$exports
MODULE_NAME='$name'
MODULE_LIB='$lib'
MODULE_PIN='$pin'
MODULE_DIR='$dir'
TRUST_ROOT='$root'
ENV
  eval "$exports"
  for kind in "${KINDS[@]}"; do
    signer=$(signer_name "$kind")
    export_token_certs "$lib" "$signer" "$dir/$kind" "$root" "$pin"
    slot_of "$lib" "$signer" >"$dir/$kind/slot"
  done
}

# slot_of LIB TOKEN_LABEL: the token's decimal slot id (what SunPKCS11's "slot =" takes).
slot_of() {
  local hex
  hex=$(timeout "$STEP_TIMEOUT" pkcs11-tool --module "$1" -L 2>/dev/null | awk -v t="$2" '
    /^Slot [0-9]+ \(0x[0-9a-f]+\)/ { id = substr($3, 2, length($3) - 3) }
    $0 ~ "token label +: " t "$" { print id; exit }')
  [[ -n "$hex" ]] || { echo "no token labelled $2 in $1" >&2; return 1; }
  echo $((hex))
}

# Per-kind accessors for clients.
kind_dir() { printf '%s/%s' "$MODULE_DIR" "$1"; }
kind_slot() { cat "$MODULE_DIR/$1/slot"; }

