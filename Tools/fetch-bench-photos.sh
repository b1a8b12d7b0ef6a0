#!/usr/bin/env bash
# Fetches large real images for benchmarks into bench-data/ (gitignored), from Debian packages
# (licenses in each package's /usr/share/doc/*/copyright, copied beside them). Makes:
#   bench-data/altai-14mp.jpg      5120×2880 photo (KDE "Altai", plasma-workspace-wallpapers), JPEG Q92
#   bench-data/altai-107mp.jpg     13824×7776, the same photo upscaled, for the memory test
#   bench-data/elephants-12mp.jpg  4000×3000 crop of a detailed 5640×3172 painting photograph
#                                  (mate-backgrounds, "Elephants", GPL-2+), JPEG Q92: a 12 MP JPEG
#                                  with a camera file's entropy (~6 MB), where Altai is smooth (0.7 MB)
#   bench-data/elephants-dark-12mp.jpg  the same at 0.6× its code values, JPEG Q92: a 12 MP photo
#                                  the enhancer does edit (brightens), for the end-to-end timing
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ ! -f bench-data/altai-14mp.jpg ] || [ ! -f bench-data/altai-107mp.jpg ]; then
  (cd "$tmp" && apt-get download plasma-workspace-wallpapers >/dev/null && dpkg-deb -x plasma-workspace-wallpapers_*.deb x)
  src="$tmp/x/usr/share/wallpapers/Altai/contents/images/5120x2880.png"
  vips copy "$src" "bench-data/altai-14mp.jpg[Q=92,optimize_coding]"
  vips resize "$src" "bench-data/altai-107mp.jpg[Q=85,optimize_coding]" 2.7
  cp "$tmp"/x/usr/share/doc/plasma-workspace-wallpapers/copyright bench-data/COPYRIGHT-plasma-workspace-wallpapers 2>/dev/null || true
fi
if [ ! -f bench-data/elephants-12mp.jpg ]; then
  (cd "$tmp" && apt-get download mate-backgrounds >/dev/null && dpkg-deb -x mate-backgrounds_*.deb m)
  vips crop "$tmp/m/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg" "bench-data/elephants-12mp.jpg[Q=92]" 820 86 4000 3000
  cp "$tmp"/m/usr/share/doc/mate-backgrounds/copyright bench-data/COPYRIGHT-mate-backgrounds 2>/dev/null || true
fi
if [ ! -f bench-data/elephants-dark-12mp.jpg ]; then
  vips linear bench-data/elephants-12mp.jpg "$tmp/dark.v" 0.6 0
  vips copy "$tmp/dark.v" "bench-data/elephants-dark-12mp.jpg[Q=92]"
fi
ls -la bench-data
