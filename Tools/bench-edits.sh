#!/usr/bin/env bash
# Render speed of edit chains, release build.
#
#   Tools/bench-edits.sh [photo] [count]      proxy renders (bench-edits: random chains, search
#                                              pattern, per-edit cost on a 512 px proxy)
#   Tools/bench-edits.sh --full PHOTO [RUNS]  full-resolution render of every edit alone and of
#                                              the rich chain, against `vips copy PHOTO x.jpg[Q=92]`
#                                              (decode + encode) in the same run: median of RUNS
#                                              (default 5) wall and CPU (user + sys) seconds each,
#                                              interleaved so that load on a shared machine hits both.
# BENCH_CPU=1 makes the proxy benchmark report process CPU time instead of wall time;
# VIPS_CONCURRENCY=1 runs libvips single-threaded. `bench-edits --full IN OUT [RECIPE]` times
# one full-resolution render; `bench-edits --compare IN RECIPE` measures the colour table's ΔE.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bench-edits >/dev/null 2>&1
bin=${BENCH_EDITS_BIN:-.build/release/bench-edits}  # BENCH_EDITS_BIN: another build, for before/after
if [ "${1:-}" != "--full" ]; then
    exec "$bin" "${1:-Tests/Fixtures/photos/macaws.jpg}" "${2:-200}"
fi
photo=$2; runs=${3:-5}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
r() { printf '{"version":"iaa-recipe/1","edits":{%s}}' "$1"; }
names=(identity exposure whiteBalance tone colour look sharpen denoise straighten crop points rich)
recipes=(
    "$(r '')"
    "$(r '"exposure":{"ev":0.3}')"
    "$(r '"whiteBalance":{"temperature":10,"tint":2}')"
    "$(r '"tone":{"contrast":15,"highlights":-20,"shadows":15}')"
    "$(r '"colour":{"vibrance":20}')"
    "$(r '"look":{"look":"teal-orange","amount":0.3}')"
    "$(r '"sharpen":{"amount":60}')"
    "$(r '"denoise":{"strength":30}')"
    "$(r '"straighten":{"degrees":1.5}')"
    "$(r '"crop":{"x":0.02,"y":0.02,"width":0.95,"height":0.95}')"
    "$(r '"exposure":{"ev":0.3},"whiteBalance":{"temperature":10,"tint":2},"tone":{"contrast":15,"highlights":-20,"shadows":15},"colour":{"vibrance":20},"look":{"look":"teal-orange","amount":0.3}')"
    ""
)
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
measure() {  # command... → "wall cpu" of one run
    /usr/bin/time -f '%e %U %S' -o "$tmp/t" "$@" >/dev/null 2>&1
    awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$tmp/t"
}
printf '%-13s %8s %8s %8s %8s %7s %7s\n' edit wall cpu copy-wall copy-cpu ×wall ×cpu
for i in "${!names[@]}"; do
    : >"$tmp/e"; : >"$tmp/c"
    for _ in $(seq "$runs"); do
        measure vips copy "$photo" "$tmp/copy.jpg[Q=92]" >>"$tmp/c"
        if [ -n "${recipes[$i]}" ]; then
            measure "$bin" --full "$photo" "$tmp/out.jpg" "${recipes[$i]}" >>"$tmp/e"
        else
            measure "$bin" --full "$photo" "$tmp/out.jpg" >>"$tmp/e"
        fi
    done
    ew=$(cut -d' ' -f1 "$tmp/e" | median); ec=$(cut -d' ' -f2 "$tmp/e" | median)
    cw=$(cut -d' ' -f1 "$tmp/c" | median); cc=$(cut -d' ' -f2 "$tmp/c" | median)
    awk -v n="${names[$i]}" -v ew="$ew" -v ec="$ec" -v cw="$cw" -v cc="$cc" \
        'BEGIN {printf "%-13s %8.3f %8.3f %8.3f %8.3f %7.2f %7.2f\n", n, ew, ec, cw, cc, ew / cw, ec / cc}'
done
