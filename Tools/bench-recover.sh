#!/usr/bin/env bash
# Degrade and recover: how much of a known degradation iaa-enhance undoes, against the
# identity and two ImageMagick baselines, in one run (release build).
#
#   Tools/bench-recover.sh [PHOTO_OR_FOLDER...]
#
# Photos: Tests/Fixtures/photos (15, public domain/CC0) plus any given (e.g.
# /work/shared/corpus/photos/debian-kphotoalbum-demo at benchmark time). Each is reduced to a
# 1024 px reference, degraded (−1.5 EV, +1 EV, warm and cold casts, saturation ×0.6, noise
# σ 12, 3° tilt and combinations; see Sources/iaa-bench-recover), and recovered by:
#   iaa        iaa-enhance (default preset and budget; --no-crop except for tilt kinds, where
#              straightening is the point and the frame is compared on its centred crop)
#   im-gamma   convert -auto-level -auto-gamma
#   im-gray    convert -auto-level, then gray-world white balance (channel means equalised)
#   identity   the degraded file itself
# Then the timing: iaa-enhance on bench-data/altai-14mp.jpg (Tools/fetch-bench-photos.sh)
# against `vips copy` of the same file (decode + encode), medians of 3 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${BUDGET:-32}
swift build -c release --product iaa-enhance >/dev/null
swift build -c release --product iaa-bench-recover >/dev/null
BIN=$(swift build -c release --show-bin-path)
W=${BENCH_DIR:-$(mktemp -d /tmp/bench-recover.XXXXXX)}
echo "work folder: $W"

photos=(Tests/Fixtures/photos/*.jpg)
for p in "$@"; do
  if [ -d "$p" ]; then while IFS= read -r f; do photos+=("$f"); done < <(find "$p" -type f \( -iname '*.jpg' -o -iname '*.png' \) | sort)
  else photos+=("$p"); fi
done
[ -d "$W/ref" ] || "$BIN/iaa-bench-recover" degrade "$W" "${photos[@]}"

start=$(date +%s)
for d in "$W"/deg/*/; do
  kind=$(basename "$d")
  mkdir -p "$W/iaa/$kind" "$W/im-gamma/$kind" "$W/im-gray/$kind"
  geo=--no-crop; case "$kind" in tilt*) geo=--crop;; esac
  # (A finished kind is kept when BENCH_DIR is reused, so an interrupted run can resume.)
  if [ ! -f "$W/iaa/$kind.done" ]; then
    "$BIN/iaa-enhance" "$d" -o "$W/iaa/$kind/" $geo --budget "$BUDGET" --json > "$W/iaa/$kind.jsonl" 2> "$W/iaa/$kind.err" || true
    touch "$W/iaa/$kind.done"
  fi
  for f in "$d"*.png; do
    n=$(basename "$f")
    convert "$f" -auto-level -auto-gamma "$W/im-gamma/$kind/$n"
    read -r mr mg mb < <(convert "$f" -auto-level -format "%[fx:mean.r] %[fx:mean.g] %[fx:mean.b]\n" info:)
    read -r kr kg kb < <(awk -v r="$mr" -v g="$mg" -v b="$mb" 'BEGIN { m = (r + g + b) / 3; printf "%f %f %f\n", m / (r > 0 ? r : 1), m / (g > 0 ? g : 1), m / (b > 0 ? b : 1) }')
    convert "$f" -auto-level -channel R -evaluate multiply "$kr" -channel G -evaluate multiply "$kg" \
      -channel B -evaluate multiply "$kb" +channel "$W/im-gray/$kind/$n"
  done
done
echo "enhanced $(ls "$W"/deg/*/*.png | wc -l) files in $(( $(date +%s) - start )) s (iaa + both baselines)"
echo
"$BIN/iaa-bench-recover" measure "$W" identity iaa im-gamma im-gray

echo
if [ ! -f bench-data/altai-14mp.jpg ]; then Tools/fetch-bench-photos.sh >/dev/null; fi
T=$(mktemp -d)
med() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for i in 1 2 3; do
  /usr/bin/time -f %e vips copy bench-data/altai-14mp.jpg "$T/copy.jpg[Q=92]" 2>> "$T/vips.t"
  /usr/bin/time -f %e "$BIN/iaa-enhance" bench-data/altai-14mp.jpg -o "$T/enh.jpg" --budget "$BUDGET" > /dev/null 2>> "$T/iaa.t"
done
v=$(med < "$T/vips.t"); e=$(med < "$T/iaa.t")
echo "speed on bench-data/altai-14mp.jpg (5120×2880): vips copy ${v} s, iaa-enhance (budget $BUDGET) ${e} s, ratio $(awk -v a="$e" -v b="$v" 'BEGIN { printf "%.2f", a / b }')×"
rm -rf "$T"
