#!/bin/sh
# Times every classical assessment factor on the 1024-px proxy of a 12 MP JPEG, against the
# time to decode that proxy and against NIMA (batch 1, one thread), in the same run (release
# build; thread CPU time, medians).
# Usage: Tools/bench-factors.sh [PHOTO]   (default: a 12 MP JPEG generated from a fixture)
#        Tools/bench-factors.sh --values OUT.tsv
#            every factor's raw value, score, level and measurements on the 1024-px proxies of
#            12 MP versions of the 15 fixture photos, to compare two builds value by value.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product iaa-bench-factors >/dev/null
bin="$(swift build -c release --show-bin-path)/iaa-bench-factors"
if [ "${1:-}" = "--values" ]; then
    out="$2"
    dir=/tmp/iaa-bench-12mp-fixtures
    mkdir -p "$dir"
    for f in Tests/Fixtures/photos/*.jpg; do
        # 768×512 × 5.52 ≈ 4239×2826 ≈ 12.0 MP, as for the timing photo below.
        [ -f "$dir/$(basename "$f")" ] || vips resize "$f" "$dir/$(basename "$f")"[Q=90] 5.52
    done
    exec "$bin" --values "$out" 1024 "$dir"/*.jpg
fi
photo="${1:-}"
if [ -z "$photo" ]; then
    photo=/tmp/iaa-bench-12mp.jpg
    if [ ! -f "$photo" ]; then
        # 768×512 × 5.2 ≈ 3994×2662 ≈ 10.6 MP; 5.52 gives 4239×2826 ≈ 12.0 MP.
        vips resize Tests/Fixtures/photos/tulip_field.jpg "$photo"[Q=90] 5.52
    fi
fi
"$bin" "$photo" 1024 15
