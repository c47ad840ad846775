#!/usr/bin/env bash
# Summarizes pkcs11-spy logs (run.sh --spy DIR) as markdown: per log, the PKCS#11 functions called
# with their counts, return codes other than CKR_OK, the mechanisms used, the attributes read and
# the search templates. Spy logs hold PINs in clear: keep them to test tokens.
#
#   spy-summary.sh DIR/*.log
set -euo pipefail
[[ $# -gt 0 ]] || { echo "usage: spy-summary.sh LOG..." >&2; exit 2; }

# One "KIND<TAB>VALUE" record per event: F function, R non-OK return, M mechanism, A attribute
# read, S search template.
spy_events() {
  awk -v OFS='\t' '
    BEGIN { names["0x00001044"] = "CKM_ECDSA_SHA256"; names["0x00001045"] = "CKM_ECDSA_SHA384"; names["0x00001046"] = "CKM_ECDSA_SHA512" }
    function flush() { if (section == "find" && tmpl != "") print "S", tmpl; section = ""; tmpl = "" }
    /^[0-9]+: C_/ { flush(); fn = $2; print "F", fn; next }
    /^Returned:/ { if ($3 != "CKR_OK") print "R", fn " -> " $3; flush(); next }
    # pkcs11-spy (OpenSC 0.23) prints the ECDSA hash-and-sign mechanisms as numbers.
    /pMechanism->type = / { m = $NF; print "M", m in names ? names[m] : m }
    /^\[in\] pTemplate\[/ { section = fn == "C_GetAttributeValue" ? "read" : fn == "C_FindObjectsInit" ? "find" : ""; next }
    /^\[out\]/ { flush(); next }
    section == "read" && /^    CKA_/ { print "A", $1 }
    section == "find" && /^    CKA_/ { tmpl = tmpl (tmpl == "" ? "" : ", ") $1 ($2 ~ /^(CK[OKC]_|True|False)/ ? "=" $2 : "") }
    END { flush() }' "$1"
}

# list KIND WITH_COUNTS: the distinct values of one kind, comma-separated.
list() {
  local values
  values=$(awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$events" | sort | uniq -c |
    awk -v c="$2" '{ n = $1; $1 = ""; sub(/^ /, ""); print c ? $0 " (" n ")" : $0 }' | paste -sd, | sed 's/,/, /g')
  printf '%s' "$values"
}

events=$(mktemp)
trap 'rm -f "$events"' EXIT
for file in "$@"; do
  spy_events "$file" >"$events"
  printf '### %s\n\n' "$(basename "$file" .log)"
  printf -- '- functions: %s\n' "$(list F 1)"
  [[ -n "$(list R 1)" ]] && printf -- '- non-OK returns: %s\n' "$(list R 1)"
  [[ -n "$(list M 0)" ]] && printf -- '- mechanisms: %s\n' "$(list M 0)"
  [[ -n "$(list A 0)" ]] && printf -- '- attributes read: %s\n' "$(list A 0)"
  awk -F'\t' '$1 == "S" { print "- search: " $2 }' "$events" | sort -u
  echo
done
