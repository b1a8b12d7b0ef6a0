#!/bin/sh
# Proxy render speed of edit chains, release build. Usage: Tools/bench-edits.sh [photo] [count]
set -e
cd "$(dirname "$0")/.."
swift build -c release --product bench-edits >/dev/null
.build/release/bench-edits "${1:-Tests/Fixtures/photos/macaws.jpg}" "${2:-200}"
