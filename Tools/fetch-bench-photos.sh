#!/usr/bin/env bash
# Fetches large real photographs for benchmarks into bench-data/ (gitignored): Debian's
# plasma-workspace-wallpapers (licenses in the package's /usr/share/doc/*/copyright). Makes:
#   bench-data/altai-14mp.jpg   5120×2880 photo (KDE "Altai"), JPEG Q92
#   bench-data/altai-107mp.jpg  13824×7776, the same photo upscaled, for the memory test
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-data
[ -f bench-data/altai-14mp.jpg ] && [ -f bench-data/altai-107mp.jpg ] && exit 0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download plasma-workspace-wallpapers >/dev/null && dpkg-deb -x plasma-workspace-wallpapers_*.deb x)
src="$tmp/x/usr/share/wallpapers/Altai/contents/images/5120x2880.png"
vips copy "$src" "bench-data/altai-14mp.jpg[Q=92,optimize_coding]"
vips resize "$src" "bench-data/altai-107mp.jpg[Q=85,optimize_coding]" 2.7
cp "$tmp"/x/usr/share/doc/plasma-workspace-wallpapers/copyright bench-data/COPYRIGHT-plasma-workspace-wallpapers 2>/dev/null || true
ls -la bench-data
