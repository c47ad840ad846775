#!/usr/bin/perl
# Writes a minimal valid PE32+ image: one .text section holding "xor eax,eax; ret". Subsystem 3
# (console, the default) or 10 (EFI application). Debian has no small Windows or EFI toolchain;
# osslsigncode and sbsign only need a well-formed image.
use strict; use warnings;
my $out = shift or die "usage: mkpe.pl OUT [SUBSYSTEM]\n";
my $subsystem = shift // 3;
my $dos = "MZ" . ("\0" x 58) . pack("V", 0x40);
my $coff = pack("vvVVVvv", 0x8664, 1, 0, 0, 0, 240, 0x0022);
my $opt = pack("vCCVVVVV", 0x20b, 14, 0, 0x200, 0, 0, 0x1000, 0x1000)
  . pack("Q<VVvvvvvvVVVVvvQ<Q<Q<Q<VV", 0x400000, 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0,
         0x2000, 0x200, 0, $subsystem, 0x8160, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
  . ("\0" x 128);
my $sect = pack("a8VVVVVVvvV", ".text", 3, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020);
my $hdr = $dos . "PE\0\0" . $coff . $opt . $sect;
$hdr .= "\0" x (0x200 - length $hdr);
my $text = "\x31\xC0\xC3" . ("\0" x (0x200 - 3));
open(my $fh, '>:raw', $out) or die "$out: $!\n";
print $fh $hdr, $text;
close $fh;
