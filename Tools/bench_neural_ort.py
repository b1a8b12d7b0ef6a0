#!/usr/bin/env python3
"""onnxruntime side of Tools/bench-neural.sh: the same NIMA graph (exported by
export_nima_onnx.py) and YuNet ONNX, same inputs and thread counts as the Swift benchmark.
Prints "key value" lines in milliseconds, like iaa-bench-neural.

Usage: bench_neural_ort.py NIMA.onnx YUNET.onnx INPUT224_DIR PHOTO [EFFICIENTNET.onnx]"""
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from PIL import Image


def best(runs, f):
    """Best of `runs` (wall, thread CPU) timings after one warm-up call, ms. With one intra-op
    thread onnxruntime computes on the calling thread, so its CPU time is comparable."""
    f()
    wall, cpu = float("inf"), float("inf")
    for _ in range(runs):
        s, c = time.perf_counter(), time.thread_time()
        f()
        cpu = min(cpu, (time.thread_time() - c) * 1000)
        wall = min(wall, (time.perf_counter() - s) * 1000)
    return wall, cpu


def report(key, t, per=1, cpu=False):
    print(f"{key}_ms {t[0] / per:.2f}")
    if cpu:
        print(f"{key}_cpu_ms {t[1] / per:.2f}")


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
        report(f"nima_b1_t{t}", best(15, lambda: sess.run(None, {"input": x8[:1]})), cpu=t == 1)
        report(f"nima_b8_t{t}", best(5, lambda: sess.run(None, {"input": x8})), per=8, cpu=t == 1)
    for t in (1, 2):
        sess = session(yunet_path, t)
        report(f"yunet_{w}x{h}_t{t}", best(9, lambda: sess.run(None, {"input": bgr})), cpu=t == 1)
    if len(sys.argv) > 5:  # EfficientNet-Lite0 (export_efficientnet_onnx.py), input (x − 127) / 128
        xe = ((imgs[0].astype(np.float32) - 127) / 128).transpose(2, 0, 1)[None]
        for t in (1, 2):
            sess = session(sys.argv[5], t)
            report(f"effnet_b1_t{t}", best(15, lambda: sess.run(None, {"input": xe})), cpu=t == 1)


if __name__ == "__main__":
    main()
