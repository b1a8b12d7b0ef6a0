#!/bin/sh
# Rebuilds Tests/Fixtures/metadata/ from the shared corpus (see ATTRIBUTION.md there).
# Needs exiftool, vips and python3. Run from the repository root.
set -eu
C=${CORPUS:-/work/shared/corpus}
F=Tests/Fixtures/metadata
mkdir -p "$F"
cp -f "$C/exif/exif-samples/jpg/gps/DSCN0021.jpg" "$F/nikon_gps.jpg"            # Nikon maker notes, GPS, XMP (MicrosoftPhoto)
cp -f "$C/exif/exif-samples/jpg/Canon_40D.jpg" "$F/canon_icc.jpg"               # EXIF + ICC APP2 + JFIF
cp -f "$C/exif/piexif-tests/r_canon.jpg" "$F/canon_makernote.jpg"               # Canon maker notes, GPS
cp -f "$C/odd/pillow-tests/orientation_rectangle.jpg" "$F/orientation_8.jpg"    # Orientation 8 (Rotate 270 CW)
cp -f "$C/odd/sharp-fixtures/p3.png" "$F/p3_icc.png"                            # PNG with iCCP (Display P3)
cp -f "$C/odd/pillow-tests/hopper.webp" "$F/hopper_vp8.webp"                    # simple lossy WebP
cp -f "$C/odd/pillow-tests/transparent.webp" "$F/transparent_vp8x.webp"         # extended WebP with alpha
# Simple lossless (VP8L) WebP with alpha, from the Apache-2.0 sharp fixture with-alpha.png:
# vips writes an extended file, so keep only its VP8L chunk in a simple RIFF container.
vips copy "$C/odd/sharp-fixtures/with-alpha.png" "/tmp/alpha-x.webp[lossless,strip]"
python3 - /tmp/alpha-x.webp "$F/alpha_vp8l.webp" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
i = 12
while i < len(d):
    cc, n = d[i:i+4], int.from_bytes(d[i+4:i+8], 'little')
    if cc == b'VP8L':
        chunk = d[i:i+8+n+(n & 1)]
        open(sys.argv[2], 'wb').write(b'RIFF' + (4 + len(chunk)).to_bytes(4, 'little') + b'WEBP' + chunk)
    i += 8 + n + (n & 1)
PY
# A JPEG the way a Lightroom user has it: Canon maker notes + IPTC keywords + Lightroom's own
# attribute-style XMP packet (from Pillow's xmp_test.jpg) with a user rating of 4 stars.
cp -f "$C/exif/piexif-tests/r_canon.jpg" "$F/lightroom_rated.jpg"
exiftool -q -overwrite_original -IPTC:Keywords=holiday -IPTC:Keywords=beach -IPTC:By-line="A. Photographer" "$F/lightroom_rated.jpg"
exiftool -b -XMP "$C/odd/pillow-tests/xmp_test.jpg" > /tmp/lr-packet.xmp
python3 - "$F/lightroom_rated.jpg" /tmp/lr-packet.xmp <<'PY'
import sys
path, pk = sys.argv[1], open(sys.argv[2], 'rb').read()
pk = pk.replace(b'   xmp:ModifyDate=', b'   xmp:Rating="4"\n   xmp:ModifyDate=', 1)
d = open(path, 'rb').read()
i = 2
while d[i+1] in (0xE0, 0xE1) and (d[i+1] == 0xE0 or d[i+4:i+10] == b'Exif\0\0'):
    i += 2 + (d[i+2] << 8 | d[i+3])
payload = b'http://ns.adobe.com/xap/1.0/\0' + pk
seg = b'\xff\xe1' + (len(payload) + 2).to_bytes(2, 'big') + payload
open(path, 'wb').write(d[:i] + seg + d[i:])
PY
# PNG with an existing XMP chunk (creator, rating 2) written by exiftool.
cp -f "$C/odd/sharp-fixtures/p3.png" "$F/p3_xmp_rated.png"
exiftool -q -overwrite_original -XMP-dc:Creator="A. Photographer" -XMP-xmp:Rating=2 "$F/p3_xmp_rated.png"
# Malformed inputs (permissive licences only).
cp -f "$C/malformed/sharp/truncated.jpg" "$F/bad_truncated_scan.jpg"
cp -f "$C/malformed/pillow/truncated_app14.jpg" "$F/bad_truncated_app14.jpg"
cp -f "$C/malformed/pillow/junk_jpeg_header.jpg" "$F/bad_junk_header.jpg"
cp -f "$C/malformed/goexif-corrupt/infinite_loop_exif.jpg" "$F/bad_exif_loop.jpg"
cp -f "$C/malformed/goexif-corrupt/huge_tag_exif.jpg" "$F/bad_exif_huge_tag.jpg"
cp -f "$C/malformed/pillow/invalid-exif-without-x-resolution.jpg" "$F/bad_exif_no_xres.jpg"
# A JPEG cut inside its EXIF segment, and a PNG cut inside a chunk (made here).
head -c 3000 "$C/exif/exif-samples/jpg/Canon_40D.jpg" > "$F/bad_cut_in_header.jpg"
head -c 300 "$C/odd/sharp-fixtures/p3.png" > "$F/bad_cut.png"
chmod 644 "$F"/*
