# The run's own PKI for the SoftHSM2 side, shaped like our internal CA: root -> issuing -> leaf,
# leaf with KU digitalSignature and EKU codeSigning.

pki_extensions() {
  cat <<'EXT'
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[issuing]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT
}

# make_pki DIR: DIR/root.pem, DIR/issuing.pem, and for each key kind DIR/KIND.key + DIR/KIND.pem
# (KIND = rsa: RSA-3072, ec: P-256), subject CN = the signer name.
make_pki() {
  local d="$1" kind
  mkdir -p "$d"
  pki_extensions >"$d/ext.cnf"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$d/root.key" 2>/dev/null
  openssl req -x509 -new -key "$d/root.key" -subj "/CN=Harness Root CA" -days 30 -sha384 \
    -config "$d/ext.cnf" -extensions root -out "$d/root.pem" 2>/dev/null
  pki_issue "$d" issuing "Harness Issuing CA" root issuing P-384
  for kind in rsa ec; do
    pki_issue "$d" "$kind" "$(signer_name "$kind")" issuing leaf "$([[ $kind == rsa ]] && echo RSA || echo P-256)"
  done
}

# pki_issue DIR NAME CN ISSUER EXTENSIONS KEYTYPE
pki_issue() {
  local d="$1" name="$2" cn="$3" issuer="$4" ext="$5" keytype="$6"
  if [[ "$keytype" == RSA ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$d/$name.key" 2>/dev/null
  else
    openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$keytype" -out "$d/$name.key" 2>/dev/null
  fi
  openssl req -new -key "$d/$name.key" -subj "/CN=$cn" -config "$d/ext.cnf" -out "$d/$name.csr" 2>/dev/null
  openssl x509 -req -in "$d/$name.csr" -CA "$d/$issuer.pem" -CAkey "$d/$issuer.key" -CAcreateserial \
    -days 30 -sha384 -extfile "$d/ext.cnf" -extensions "$ext" -out "$d/$name.pem" 2>/dev/null
}
