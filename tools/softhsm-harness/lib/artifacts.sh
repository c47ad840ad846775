# The unsigned inputs every client signs, made once per run so every module signs the same bytes.

# make_artifacts DIR: DIR/in.jar, in.apk, in.exe, in.efi, in.msi, in.ps1, in.cat (listing in.ps1), data.bin
# (+ its SHA-2 digests).
make_artifacts() {
  local d="$1" h
  mkdir -p "$d/jar" "$d/apk" "$d/msi"
  printf 'CodeSigning harness payload\n' >"$d/jar/hello.txt"
  jar cf "$d/in.jar" -C "$d/jar" .

  # aapt compiles the manifest to binary XML; without android.jar it takes no android: attributes.
  cat >"$d/apk/AndroidManifest.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.codesigning.harness"/>
XML
  aapt package -f -M "$d/apk/AndroidManifest.xml" -F "$d/in.apk" >/dev/null
  (cd "$d/jar" && aapt add "$d/in.apk" hello.txt >/dev/null)

  perl "$HARNESS_DIR/lib/mkpe.pl" "$d/in.exe"
  perl "$HARNESS_DIR/lib/mkpe.pl" "$d/in.efi" 10

  printf 'CodeSigning harness payload\n' >"$d/msi/hello.txt"
  cat >"$d/msi/harness.wxs" <<'WXS'
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="CodeSigning Harness" Language="1033" Version="1.0.0" Manufacturer="CodeSigning"
           UpgradeCode="8f0e5b1e-6d0c-4b8e-9d7e-3a1f2b4c5d6e">
    <Package InstallerVersion="200" Compressed="yes" />
    <Media Id="1" Cabinet="harness.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="Harness">
          <Component Id="Hello" Guid="2b7c1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e">
            <File Id="HelloTxt" Source="hello.txt" />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="Hello" /></Feature>
  </Product>
</Wix>
WXS
  (cd "$d/msi" && wixl -o "$d/in.msi" harness.wxs)

  printf 'Write-Output "CodeSigning harness"\r\n' >"$d/in.ps1"
  make_catalog "$d/in.cat" "$d/in.ps1"

  # 100 kB: enough for hash-and-sign mechanisms to go through several C_SignUpdate calls.
  head -c 100000 /dev/urandom >"$d/data.bin"
  for h in 256 384 512; do openssl dgst "-sha$h" -binary "$d/data.bin" >"$d/data.sha$h"; done
  # DER DigestInfo for SHA-256, what CKM_RSA_PKCS expects the caller to build.
  { printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20'; cat "$d/data.sha256"; } \
    >"$d/data.di256"
}
