# OpenSSL configuration loading the libp11 engine for the module under test.

# engine_openssl_cnf: writes $OUT/openssl.cnf (0600: it holds the PIN) and exports OPENSSL_CONF.
# The PIN is the engine's PIN setting: libp11 0.4.12 caps a URI's pin-value and its prompt at 32
# characters, less than an API key.
engine_openssl_cnf() {
  export OPENSSL_CONF="$OUT/openssl.cnf"
  (umask 077 && cat >"$OPENSSL_CONF" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $ENGINE_LIB
MODULE_PATH = $MODULE_LIB
init = 0
${MODULE_PIN:+PIN = $MODULE_PIN}
CNF
  )
}
