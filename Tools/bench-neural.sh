#!/usr/bin/env bash
# Benchmark of the Swift inference engine against onnxruntime, same networks, same inputs,
# same thread counts, measured in one run (sides alternated, best of ROUNDS=3). Release build only.
#   NIMA (MobileNet-v1, 224×224): ms per image at batch 1 and batch 8, 1 and 2 threads.
#   YuNet-n on a photo reduced to 640 px (network time; Swift time includes decoding + NMS).
#   EfficientNet-Lite0 (theme classifier, 224×224): ms per image at batch 1, 1 and 2 threads.
#   Resident memory after loading every model score uses: NIMA, YuNet, BRISQUE, NIQE,
#   EfficientNet-Lite0 (goal < 100 MB).
#   Wall-clock best of N per measurement; for 1 thread also thread CPU time (*_cpu_ms), which
#   other processes on a busy machine cannot inflate.
# Goal: Swift NIMA no slower than 1.5× onnxruntime.
# Needs: swift, python3 with onnx, onnxruntime, numpy, pillow (pip install onnx onnxruntime pillow).
# Usage: Tools/bench-neural.sh [PHOTO]   (default: Tests/Fixtures/photos/columbia_crew.jpg)
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTO="${1:-Tests/Fixtures/photos/columbia_crew.jpg}"
INPUTS=Tests/Fixtures/neural/nima_input224
WORK="${TMPDIR:-/tmp}/iaa-bench-neural"
mkdir -p "$WORK"
YUNET_ONNX="${YUNET_ONNX:-../shared/weights-src/yunet_n_dynamic.onnx}"

swift build -c release --product iaa-bench-neural >&2
BIN="$(swift build -c release --show-bin-path)/iaa-bench-neural"
python3 Tools/export_nima_onnx.py "$WORK/nima_mobilenet_ava.onnx" >&2
python3 Tools/export_efficientnet_onnx.py "$WORK/efficientnet_lite0.onnx" >&2

# The machine is shared: alternate the two sides for ROUNDS rounds and keep each measurement's
# best time, so that both sides see the same background load.
ROUNDS="${ROUNDS:-3}"
: > "$WORK/swift.all"; : > "$WORK/ort.all"
for _ in $(seq "$ROUNDS"); do
  "$BIN" "$INPUTS" "$PHOTO" >> "$WORK/swift.all"
  python3 Tools/bench_neural_ort.py "$WORK/nima_mobilenet_ava.onnx" "$YUNET_ONNX" "$INPUTS" "$PHOTO" "$WORK/efficientnet_lite0.onnx" >> "$WORK/ort.all"
done
# Times: minimum over rounds; memory: maximum over rounds.
reduce() { awk '{ if ($1 ~ /^rss/) { if (!($1 in v) || $2 > v[$1]) v[$1] = $2 } else if (!($1 in v) || $2 < v[$1]) v[$1] = $2 } END { for (k in v) print k, v[k] }' "$1"; }
reduce "$WORK/swift.all" > "$WORK/swift.txt"
reduce "$WORK/ort.all" > "$WORK/ort.txt"

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; OpenBLAS $(pkg-config --modversion openblas); onnxruntime $(python3 -c 'import onnxruntime; print(onnxruntime.__version__)')"
printf '%-26s %10s %12s %8s\n' measurement swift_ms onnxrt_ms ratio
join <(sort "$WORK/swift.txt") <(sort "$WORK/ort.txt") | while read -r key s o; do
  printf '%-26s %10s %12s %8s\n' "$key" "$s" "$o" "$(awk -v s="$s" -v o="$o" 'BEGIN{printf "%.2f", s/o}')"
done
grep -E '^(rss|yunet_faces)' "$WORK/swift.txt" | while read -r key v; do printf '%-26s %10s\n' "$key" "$v"; done
echo "ratio = Swift / onnxruntime (goal for NIMA: <= 1.5)"
