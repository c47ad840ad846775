#!/usr/bin/perl
# Writes a minimal unsigned APPX package: the given files, AppxBlockMap.xml (each file's SHA-256 per
# 64 KiB block, what osslsigncode hashes and checks) and [Content_Types].xml, all stored
# uncompressed. Debian has no MakeAppx; osslsigncode needs only a well-formed package.
use strict; use warnings;
use IO::Compress::Zip qw($ZipError :zip_method);
use Digest::SHA qw(sha256);
use MIME::Base64 qw(encode_base64);
use File::Basename qw(basename);

my ($out, @paths) = @ARGV;
die "usage: mkappx.pl OUT AppxManifest.xml [FILE...]\n" unless $out && @paths;
my @parts;
my $blockmap = qq{<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n}
  . qq{<BlockMap xmlns="http://schemas.microsoft.com/appx/2010/blockmap" HashMethod="http://www.w3.org/2001/04/xmlenc#sha256">};
for my $path (@paths) {
  open(my $fh, '<:raw', $path) or die "$path: $!\n";
  my $data = do { local $/; <$fh> };
  close $fh;
  my $name = basename($path);
  # LfhSize: the local file header, 30 bytes + the name (no extra field with Minimal => 1).
  $blockmap .= sprintf(qq{<File Name="%s" Size="%d" LfhSize="%d">}, $name, length $data, 30 + length $name);
  for (my $offset = 0; $offset < length $data; $offset += 65536) {
    $blockmap .= sprintf(qq{<Block Hash="%s"/>}, encode_base64(sha256(substr($data, $offset, 65536)), ''));
  }
  $blockmap .= '</File>';
  push @parts, [$name, $data];
}
$blockmap .= '</BlockMap>';
push @parts, ['AppxBlockMap.xml', $blockmap],
  ['[Content_Types].xml', qq{<?xml version="1.0" encoding="UTF-8"?>\r\n}
    . qq{<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">}
    . qq{<Default Extension="txt" ContentType="text/plain"/>}
    . qq{<Override PartName="/AppxManifest.xml" ContentType="application/vnd.ms-appx.manifest+xml"/>}
    . qq{<Override PartName="/AppxBlockMap.xml" ContentType="application/vnd.ms-appx.blockmap+xml"/></Types>}];

my %options = (Method => ZIP_CM_STORE, Minimal => 1, Stream => 0);
my $zip = IO::Compress::Zip->new($out, Name => $parts[0][0], %options) or die "$out: $ZipError\n";
$zip->print($parts[0][1]);
for my $part (@parts[1 .. $#parts]) {
  $zip->newStream(Name => $part->[0], %options);
  $zip->print($part->[1]);
}
$zip->close or die "$out: $ZipError\n";
