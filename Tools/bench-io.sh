#!/usr/bin/env bash
# Load→save speed against `vips copy` on the same file in the same run, and peak memory on a
# ≥100 MP image. Release build. Prints one line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/fetch-bench-photos.sh >/dev/null
swift build -c release --product iaa-bench-io >/dev/null
bench=$(swift build -c release --show-bin-path)/iaa-bench-io
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=5
timeit() {  # median wall time of n runs of a command, seconds
  local ts=()
  for _ in $(seq $n); do
    local t0=$(date +%s.%N); "$@" >/dev/null 2>&1; local t1=$(date +%s.%N)
    ts+=($(echo "$t1 - $t0" | bc -l))
  done
  printf '%s\n' "${ts[@]}" | sort -g | sed -n "$(( (n + 1) / 2 ))p"
}
big=bench-data/altai-14mp.jpg
echo "file: $big ($(vipsheader "$big" | cut -d: -f2))"
vips_t=$(timeit vips copy "$big" "$tmp/v.jpg[Q=92]")
# Both timed the same way: whole processes, median of $n, alternating is not needed at this size.
ours_t=$(timeit "$bench" render "$big" "$tmp/o.jpg" 1)
printf 'load→save 14 MP JPEG (process wall time, median of %d): vips copy %.3f s, iaa-enhance %.3f s, ratio %.2f×\n' $n "$vips_t" "$ours_t" "$(echo "$ours_t / $vips_t" | bc -l)"
proxy=$("$bench" proxy "$big" 1024 $n)
printf 'analysis proxy (1024 px) of the same file: %s\n' "$proxy"
huge=bench-data/altai-107mp.jpg
dims=$(vipsheader "$huge" | cut -d: -f2)
ours=$("$bench" render "$huge" "$tmp/h.jpg" 1)
decoded=$(vipsheader -f width "$huge"); decoded=$(( decoded * $(vipsheader -f height "$huge") * 3 / 1048576 ))
vmem=$( { /usr/bin/time -f '%M' vips copy "$huge" "$tmp/hv.jpg[Q=92]" ; } 2>&1 | tail -1 )
printf '107 MP render (%s): %s; decoded size %d MiB; vips copy peak %.1f MiB\n' "$dims" "$ours" "$decoded" "$(echo "$vmem / 1024" | bc -l)"
