# The unsigned inputs every client signs, made once per run so every module signs the same bytes.

# make_artifacts DIR: DIR/in.jar, in.apk, in.exe, in.efi, in.msi, in.ps1, in.cat (listing in.ps1), in.appx,
# in.rpm, in.deb, oci/ (an OCI image layout, tag harness), data.bin (+ its SHA-2 digests).
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
  mkdir -p "$d/appx"
  cat >"$d/appx/AppxManifest.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10">
  <Identity Name="CodeSigning.Harness" Publisher="CN=CodeSigning harness" Version="1.0.0.0"/>
</Package>
XML
  perl "$HARNESS_DIR/lib/mkappx.pl" "$d/in.appx" "$d/appx/AppxManifest.xml" "$d/jar/hello.txt"

  make_rpm "$d/rpm" "$d/in.rpm"
  make_deb "$d/deb" "$d/in.deb"
  make_oci_layout "$d/oci" harness

  # 100 kB: enough for hash-and-sign mechanisms to go through several C_SignUpdate calls.
  head -c 100000 /dev/urandom >"$d/data.bin"
  for h in 256 384 512; do openssl dgst "-sha$h" -binary "$d/data.bin" >"$d/data.sha$h"; done
  # DER DigestInfo for SHA-256, what CKM_RSA_PKCS expects the caller to build.
  { printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20'; cat "$d/data.sha256"; } \
    >"$d/data.di256"
}

# make_rpm DIR OUT: a one-file noarch rpm built with rpmbuild under DIR.
make_rpm() {
  mkdir -p "$1"
  cat >"$1/harness.spec" <<'SPEC'
Name: codesigning-harness
Version: 1.0
Release: 1
Summary: CodeSigning harness payload
License: MIT
BuildArch: noarch
%description
A file to sign.
%install
mkdir -p %{buildroot}/usr/share/codesigning-harness
printf 'CodeSigning harness payload\n' >%{buildroot}/usr/share/codesigning-harness/hello.txt
%files
/usr/share/codesigning-harness/hello.txt
SPEC
  rpmbuild --quiet --define "_topdir $1/top" -bb "$1/harness.spec" >/dev/null
  cp "$1/top/RPMS/noarch/codesigning-harness-1.0-1.noarch.rpm" "$2"
}

# make_deb DIR OUT: a one-file .deb built with dpkg-deb under DIR.
make_deb() {
  mkdir -p "$1/DEBIAN" "$1/usr/share/codesigning-harness"
  printf 'CodeSigning harness payload\n' >"$1/usr/share/codesigning-harness/hello.txt"
  printf 'Package: codesigning-harness\nVersion: 1.0\nArchitecture: all\nMaintainer: CodeSigning <harness@example.invalid>\nDescription: CodeSigning harness payload\n' \
    >"$1/DEBIAN/control"
  dpkg-deb --root-owner-group --build "$1" "$2" >/dev/null
}

# make_oci_layout DIR TAG: an OCI image layout holding one image (one tiny gzip layer, its config and
# manifest), tagged TAG: what a build tool writes, made by hand since Debian 12 has no image builder
# that runs without a daemon.
make_oci_layout() {
  local d="$1" tag="$2" layer config manifest
  mkdir -p "$d/blobs/sha256" "$d/rootfs"
  printf 'CodeSigning harness payload\n' >"$d/rootfs/hello.txt"
  tar --sort=name --owner=0 --group=0 --mtime=@0 -C "$d/rootfs" -cf "$d/layer.tar" hello.txt
  gzip -n -c "$d/layer.tar" >"$d/layer.tar.gz"
  layer=$(oci_blob "$d" "$d/layer.tar.gz")
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(sha256sum "$d/layer.tar" | cut -c1-64)" >"$d/config.json"
  config=$(oci_blob "$d" "$d/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$config" "$(stat -c %s "$d/config.json")" "$layer" "$(stat -c %s "$d/layer.tar.gz")" >"$d/manifest.json"
  manifest=$(oci_blob "$d" "$d/manifest.json")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest" "$(stat -c %s "$d/manifest.json")" "$tag" >"$d/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
  rm -rf "$d/rootfs" "$d/layer.tar" "$d/layer.tar.gz" "$d/config.json" "$d/manifest.json"
}

# oci_blob LAYOUT FILE: copies FILE into the layout's blobs under its SHA-256, prints the digest.
oci_blob() {
  local digest
  digest=$(sha256sum "$2" | cut -c1-64)
  cp "$2" "$1/blobs/sha256/$digest"
  printf '%s' "$digest"
}
