#!/usr/bin/env bash
# Quick start: install the system packages, build iaa-enhance in release mode, and run it on
# the bundled sample photos.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/install-deps.sh
swift build -c release --product iaa-enhance
bin=$(swift build -c release --show-bin-path)/iaa-enhance
echo "Built $bin"
echo
"$bin" score Samples
