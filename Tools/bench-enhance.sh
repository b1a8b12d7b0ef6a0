#!/usr/bin/env bash
# End-to-end speed of `iaa-enhance photo.jpg` (default preset and budget) against `vips copy`
# (decode + encode, JPEG Q92) of the same file, interleaved in one run, release build.
#
#   Tools/bench-enhance.sh [PHOTO...]     (default: bench-data/elephants-12mp.jpg, left as it is;
#                                          elephants-dark-12mp.jpg, brightened; altai-14mp.jpg)
#   RUNS=5 BUDGET=32 Tools/bench-enhance.sh
#
# Prints, per photo, the median wall time and the median CPU time (user + system) of each, and
# their ratios, then one run's stage times (IAA_TIMING). The machine's other load shows in the
# wall times; CPU time is the steadier figure on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
BUDGET=${BUDGET:-32}
swift build -c release --product iaa-enhance >/dev/null 2>&1
BIN=$(swift build -c release --show-bin-path)/iaa-enhance
photos=("$@")
if [ ${#photos[@]} -eq 0 ]; then
  Tools/fetch-bench-photos.sh >/dev/null
  photos=(bench-data/elephants-12mp.jpg bench-data/elephants-dark-12mp.jpg bench-data/altai-14mp.jpg)
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
med() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for p in "${photos[@]}"; do
  : > "$T/vw"; : > "$T/vc"; : > "$T/iw"; : > "$T/ic"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$T/t" vips copy "$p" "$T/copy.jpg[Q=92]"
    read -r e u s < "$T/t"; echo "$e" >> "$T/vw"; awk -v u="$u" -v s="$s" 'BEGIN { print u + s }' >> "$T/vc"
    /usr/bin/time -f "%e %U %S" -o "$T/t" "$BIN" "$p" -o "$T/enh.jpg" --budget "$BUDGET" > /dev/null
    read -r e u s < "$T/t"; echo "$e" >> "$T/iw"; awk -v u="$u" -v s="$s" 'BEGIN { print u + s }' >> "$T/ic"
  done
  vw=$(med < "$T/vw"); vc=$(med < "$T/vc"); iw=$(med < "$T/iw"); ic=$(med < "$T/ic")
  size=$(vipsheader -f width "$p")×$(vipsheader -f height "$p")
  echo "$p ($size, $(du -k "$p" | cut -f1) KB), medians of $RUNS:"
  echo "  vips copy    wall ${vw} s  CPU ${vc} s"
  echo "  iaa-enhance  wall ${iw} s  CPU ${ic} s   (budget $BUDGET)"
  awk -v a="$iw" -v b="$vw" -v c="$ic" -v d="$vc" 'BEGIN { printf "  ratio        wall %.2f×  CPU %.2f×\n", a / b, c / d }'
  IAA_TIMING=1 "$BIN" "$p" -o "$T/enh.jpg" --budget "$BUDGET" 2>&1 >/dev/null | sed 's/^/  /'
done
