#!/bin/sh
# Proxy render speed of edit chains, release build. Usage: Tools/bench-edits.sh [photo] [count]
# BENCH_CPU=1 reports process CPU time instead of wall time (steadier on a shared machine);
# VIPS_CONCURRENCY=1 runs libvips single-threaded. `bench-edits --full IN OUT [RECIPE]` times
# one full-resolution render.
set -e
cd "$(dirname "$0")/.."
swift build -c release --product bench-edits >/dev/null 2>&1
.build/release/bench-edits "${1:-Tests/Fixtures/photos/macaws.jpg}" "${2:-200}"
