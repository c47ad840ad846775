# Reads a signer's certificates back from the module under test, so each client is verified against
# what the token really holds, then checks that chain against the module's trust anchor with openssl.

# export_token_certs LIB SIGNER DIR TRUST_ROOT [PIN]: writes DIR/leaf.pem (the cert labelled SIGNER),
# DIR/intermediates.pem (the token's other non-self-signed certs), DIR/pub.pem; fails unless
# leaf <- intermediates <- TRUST_ROOT verifies and the leaf is a code-signing certificate. With a
# PIN, p11tool logs in first (our module knows a token's objects only once it has the API key).
export_token_certs() {
  local lib="$1" signer="$2" d="$3" root="$4" url n=0 pem
  local -a p11tool=(p11tool --provider "$lib")
  [[ -n "${5:-}" ]] && p11tool+=(--login) && export GNUTLS_PIN="$5"
  mkdir -p "$d"
  : >"$d/intermediates.pem"; rm -f "$d/leaf.pem"
  while IFS= read -r url; do
    pem="$d/cert$n.pem"; n=$((n + 1))
    timeout "$STEP_TIMEOUT" "${p11tool[@]}" --export "$url" >"$pem"
    if [[ "$url" == *";object=$signer;"* ]]; then
      mv "$pem" "$d/leaf.pem"
      continue
    fi
    # Self-signed roots stay out: trust comes from the module's anchor, never from the token.
    if [[ "$(openssl x509 -in "$pem" -noout -subject -nameopt RFC2253 | cut -d= -f2-)" != \
          "$(openssl x509 -in "$pem" -noout -issuer -nameopt RFC2253 | cut -d= -f2-)" ]]; then
      cat "$pem" >>"$d/intermediates.pem"
    fi
    rm -f "$pem"
  done < <(timeout "$STEP_TIMEOUT" "${p11tool[@]}" --list-all-certs "pkcs11:token=$signer" | sed -n 's/^[[:space:]]*URL: //p')
  [[ -s "$d/leaf.pem" ]] || { echo "token $signer holds no certificate labelled $signer" >&2; return 1; }
  [[ -s "$d/intermediates.pem" ]] || { echo "token $signer holds no issuing certificate" >&2; return 1; }
  openssl verify -x509_strict -CAfile "$root" -untrusted "$d/intermediates.pem" "$d/leaf.pem" >/dev/null
  openssl x509 -in "$d/leaf.pem" -noout -ext extendedKeyUsage | grep -q 'Code Signing' ||
    { echo "the $signer certificate lacks EKU codeSigning" >&2; return 1; }
  openssl x509 -in "$d/leaf.pem" -noout -pubkey >"$d/pub.pem"
  cat "$d/leaf.pem" "$d/intermediates.pem" >"$d/chain.pem"
}
