# make_catalog OUT MEMBER: an unsigned Windows catalog (.cat) listing MEMBER by SHA-256, what
# makecat.exe writes: a PKCS#7 SignedData with no signer around a certificate trust list (CTL,
# 1.3.6.1.4.1.311.10.1) of usage "catalog list", one entry per member: its hash as a UTF-16 hex tag
# and an SPC_INDIRECT_DATA attribute carrying file name and digest. Debian has no makecat; openssl's
# ASN.1 generator writes the DER.
make_catalog() {
  local out="$1" member="$2" hash tag name
  hash=$(sha256sum "$member" | cut -c1-64 | tr a-f A-F)
  tag=$(printf '%s' "$hash" | iconv -t UTF-16LE | od -An -v -tx1 | tr -d ' \n')
  name=$(printf '%s\0' "$(basename "$member")" | iconv -t UTF-16BE | od -An -v -tx1 | tr -d ' \n')
  openssl asn1parse -genconf /dev/stdin -out "$out" >/dev/null <<CNF
asn1 = SEQUENCE:content_info
[content_info]
type = OID:pkcs7-signedData
content = EXPLICIT:0,SEQUENCE:signed_data
[signed_data]
version = INTEGER:1
digest_algorithms = SET:empty
encapsulated = SEQUENCE:encapsulated
signer_infos = SET:empty
[empty]
[encapsulated]
type = OID:1.3.6.1.4.1.311.10.1
content = EXPLICIT:0,SEQUENCE:ctl
[ctl]
subject_usage = SEQUENCE:usage
list_identifier = FORMAT:HEX,OCTETSTRING:$(head -c 16 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
this_update = UTCTIME:$(date -u +%y%m%d%H%M%SZ)
subject_algorithm = SEQUENCE:member_algorithm
subjects = SEQUENCE:members
[usage]
catalog_list = OID:1.3.6.1.4.1.311.12.1.1
[member_algorithm]
catalog_member_list = OID:1.3.6.1.4.1.311.12.1.2
parameters = NULL
[members]
member = SEQUENCE:member
[member]
tag = FORMAT:HEX,OCTETSTRING:$tag
attributes = SET:member_attributes
[member_attributes]
indirect_data = SEQUENCE:indirect_data_attribute
[indirect_data_attribute]
type = OID:1.3.6.1.4.1.311.2.1.4
values = SET:indirect_data_values
[indirect_data_values]
value = SEQUENCE:indirect_data
[indirect_data]
data = SEQUENCE:flat_file
digest = SEQUENCE:digest_info
[flat_file]
type = OID:1.3.6.1.4.1.311.2.1.25
value = SEQUENCE:link
[link]
file = IMPLICIT:2C,SEQUENCE:file_name
[file_name]
unicode = IMPLICIT:0,FORMAT:HEX,OCTETSTRING:$name
[digest_info]
algorithm = SEQUENCE:sha256
digest = FORMAT:HEX,OCTETSTRING:$hash
[sha256]
oid = OID:sha256
parameters = NULL
CNF
}
