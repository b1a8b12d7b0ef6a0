#!/usr/bin/env python3
"""onnxruntime side of Tools/bench-neural.sh: the same NIMA graph (exported by
export_nima_onnx.py) and YuNet ONNX, same inputs and thread counts as the Swift benchmark.
Prints "key value" lines in milliseconds, like iaa-bench-neural.

Usage: bench_neural_ort.py NIMA.onnx YUNET.onnx INPUT224_DIR PHOTO"""
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from PIL import Image


def best(runs, f):
    """Best of `runs` timings after one warm-up call, ms (least disturbed by other processes)."""
    f()
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        f()
        t.append((time.perf_counter() - s) * 1000)
    return min(t)


def session(path, threads):
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


def main():
    nima_path, yunet_path, dir224, photo = sys.argv[1:5]
    files = sorted(f for f in os.listdir(dir224) if f.endswith(".png"))
    imgs = [np.asarray(Image.open(os.path.join(dir224, f)).convert("RGB")) for f in files]
    while len(imgs) < 8:
        imgs += imgs
    x8 = np.stack([(i.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1) for i in imgs[:8]])
    # 640 px on the long side, like the Swift side's proxy (resampler differences do not matter
    # for timing); BGR, zero-padded to a multiple of 32.
    im = Image.open(photo).convert("RGB")
    s = 640 / max(im.size)
    im = im.resize((round(im.size[0] * s), round(im.size[1] * s)), Image.LANCZOS)
    rgb = np.asarray(im)
    h, w = rgb.shape[:2]
    ph, pw = (h + 31) // 32 * 32, (w + 31) // 32 * 32
    bgr = np.zeros((1, 3, ph, pw), np.float32)
    bgr[0, :, :h, :w] = rgb[:, :, ::-1].transpose(2, 0, 1)
    for t in (1, 2):
        sess = session(nima_path, t)
        b1 = best(15, lambda: sess.run(None, {"input": x8[:1]}))
        b8 = best(5, lambda: sess.run(None, {"input": x8})) / 8
        print(f"nima_b1_t{t}_ms {b1:.2f}")
        print(f"nima_b8_t{t}_ms {b8:.2f}")
    for t in (1, 2):
        sess = session(yunet_path, t)
        y = best(9, lambda: sess.run(None, {"input": bgr}))
        print(f"yunet_{w}x{h}_t{t}_ms {y:.2f}")


if __name__ == "__main__":
    main()
