#!/bin/sh
# Times tagging one large JPEG in place (XMP splice + atomic write) against copying it, in the
# same run, release build. Prints medians and the ratios.
#   Tools/bench-metadata.sh [JPEG] [ITERATIONS]
# Without JPEG, a 12-MP JPEG is generated with the vips CLI from a fixture photo (+ camera EXIF).
set -eu
cd "$(dirname "$0")/.."
N=${2:-30}
OUT=bench-data/metadata
mkdir -p "$OUT"
if [ $# -ge 1 ]; then
    SRC="$1"
else
    SRC="$OUT/large-12mp.jpg"
    if [ ! -f "$SRC" ]; then
        # 768x512 photo upscaled 5.5x -> 4224x2816 = 11.9 MP; give it real camera EXIF + maker notes.
        vips resize Tests/Fixtures/photos/tulip_field.jpg "$SRC[Q=92]" 5.5 --kernel lanczos3
        exiftool -q -overwrite_original -TagsFromFile Tests/Fixtures/metadata/nikon_gps.jpg -all:all "$SRC"
    fi
fi
cp "$SRC" "$OUT/src.jpg"
swift build -c release --product iaa-bench-metadata >/dev/null
BIN=$(swift build -c release --show-bin-path)/iaa-bench-metadata

# cp of the same file, N times, timed as a whole (includes cp's process start, like a shell user's cp).
t0=$(date +%s.%N)
i=0; while [ $i -lt "$N" ]; do cp "$OUT/src.jpg" "$OUT/cp-copy.jpg"; i=$((i+1)); done
t1=$(date +%s.%N)
cp_ms=$(echo "($t1 - $t0) * 1000 / $N" | bc -l)
# The tagger as a process per file, N times (process start + tag), for the same comparison.
t0=$(date +%s.%N)
cp "$OUT/src.jpg" "$OUT/tag-work.jpg"
i=0; while [ $i -lt "$N" ]; do "$BIN" --tag-only "$OUT/tag-work.jpg"; i=$((i+1)); done
t1=$(date +%s.%N)
proc_ms=$(echo "($t1 - $t0) * 1000 / $N" | bc -l)
# In-process medians: tag alone, same bytes through the atomic writer, plain copy.
line=$("$BIN" "$OUT/src.jpg" "$N")
rm -f "$OUT/cp-copy.jpg" "$OUT/tag-work.jpg"
tag_ms=$(echo "$line" | sed 's/.*tag_ms=\([0-9.]*\).*/\1/')
atomic_ms=$(echo "$line" | sed 's/.*atomic_copy_ms=\([0-9.]*\).*/\1/')
splice_ms=$(echo "$line" | sed 's/.*splice_only_ms=\([0-9.]*\).*/\1/')
echo "$line"
printf 'file: %s (%s bytes), %s iterations\n' "$SRC" "$(wc -c < "$SRC")" "$N"
printf 'cp (process per file):                 %8.2f ms/file\n' "$cp_ms"
printf 'tag in place (process per file):      %8.2f ms/file\n' "$proc_ms"
printf 'tag in place, in-process median:       %8.2f ms/file\n' "$tag_ms"
printf 'splice only (no I/O), in-process median:%7.2f ms/file\n' "$splice_ms"
printf 'atomic copy (fsync), in-process median:%8.2f ms/file\n' "$atomic_ms"
printf 'ratio tag / cp (both process per file): %7.2f\n' "$(echo "$proc_ms / $cp_ms" | bc -l)"
printf 'ratio tag / atomic copy (same fsync):   %8.2f\n' "$(echo "$tag_ms / $atomic_ms" | bc -l)"
