#!/usr/bin/env bash
# Times BRISQUE and NIQE on a ~1 MP proxy in a release build, as ratios to a libvips decode of
# the same 1 MP JPEG measured in the same run. Usage: Tools/bench-quality.sh [photo] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product iaa-bench-quality >&2
exec "$(swift build -c release --show-bin-path)/iaa-bench-quality" "${1:-Samples/tulip_field.jpg}" "${2:-9}"
