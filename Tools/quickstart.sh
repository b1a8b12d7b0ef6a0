#!/usr/bin/env bash
# Quick start: install the system packages, build iaa-enhance in release mode, enhance the
# bundled sample photos into out/ (with before/after pictures in out/explain/), and score them.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/install-deps.sh
swift build -c release --product iaa-enhance
bin=$(swift build -c release --show-bin-path)/iaa-enhance
echo "Built $bin"
echo
"$bin" Samples/ -o out/ --explain out/explain/
echo
"$bin" score --sort overall Samples/
