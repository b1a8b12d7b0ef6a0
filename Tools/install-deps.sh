#!/usr/bin/env bash
# Installs the Debian 12 packages iaa-enhance builds, runs and tests with. Idempotent: does
# nothing when they are present. Needs root (or sudo). The Swift 6 toolchain is not a Debian
# package: install it from swift.org and put it on PATH first.
set -euo pipefail
packages=(pkg-config libvips-dev libvips-tools libopenblas-dev libexif-dev libimage-exiftool-perl exiv2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain (swift.org) first" >&2; exit 1; }
