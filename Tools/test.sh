#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs the system packages if missing, builds,
# runs every test target. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/install-deps.sh
swift build --build-tests
# All tests are XCTest; without this flag the Swift Testing runner prints a final
# "0 tests" line after the XCTest summary.
swift test --skip-build --disable-swift-testing
