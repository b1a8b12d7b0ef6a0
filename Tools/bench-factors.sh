#!/bin/sh
# Times every classical assessment factor on the 1024-px proxy of a 12 MP JPEG, against the
# time to decode that proxy, in the same run (release build).
# Usage: Tools/bench-factors.sh [PHOTO]   (default: a 12 MP JPEG generated from a fixture)
set -eu
cd "$(dirname "$0")/.."
photo="${1:-}"
if [ -z "$photo" ]; then
    photo=/tmp/iaa-bench-12mp.jpg
    if [ ! -f "$photo" ]; then
        # 768×512 × 5.2 ≈ 3994×2662 ≈ 10.6 MP; 5.52 gives 4239×2826 ≈ 12.0 MP.
        vips resize Tests/Fixtures/photos/tulip_field.jpg "$photo"[Q=90] 5.52
    fi
fi
swift build -c release --product iaa-bench-factors >/dev/null
"$(swift build -c release --show-bin-path)/iaa-bench-factors" "$photo" 1024 7
