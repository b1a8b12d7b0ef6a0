#!/usr/bin/env bash
# Reference sRGB values for the colour-management tests, computed by an independent pipeline
# (ImageMagick with LittleCMS and Ghostscript's sRGB profile), sampled on a 12×12 grid.
# Writes Tests/Fixtures/imaging/colour/reference.tsv. Needs: imagemagick, ghostscript's ICC
# profiles (Debian: libgs-common), python3. Rerun only when the fixtures change.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=Tests/Fixtures/imaging/colour
srgb=/usr/share/color/icc/ghostscript/srgb.icc
out=$dir/reference.tsv
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'file\tx\ty\tr\tg\tb\n' > "$out"
for f in fogra-0-100-100-0.tif P3-sRGB-color-bars.png R2020-sRGB-color-bars.png; do
  # Relative colorimetric, no black-point compensation (libvips' defaults), alpha over white.
  convert "$dir/$f[0]" -intent Relative -black-point-compensation false -profile "$srgb" \
    -background white -alpha remove -alpha off -depth 8 "$tmp/ref.ppm" 2>/dev/null ||
  convert "$dir/$f[0]" -intent Relative -profile "$srgb" -background white -alpha remove -alpha off -depth 8 "$tmp/ref.ppm"
  python3 - "$tmp/ref.ppm" "$f" >> "$out" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
# binary PPM: P6\n<w> <h>\n<max>\n<pixels>
parts = data.split(maxsplit=4)
w, h = int(parts[1]), int(parts[2])
pix = parts[4]
for j in range(12):
    for i in range(12):
        x = int((i + 0.5) * w / 12); y = int((j + 0.5) * h / 12)
        o = 3 * (y * w + x)
        print(f"{sys.argv[2]}\t{x}\t{y}\t{pix[o]}\t{pix[o+1]}\t{pix[o+2]}")
PY
done
echo "wrote $out ($(($(wc -l < "$out") - 1)) samples)"
