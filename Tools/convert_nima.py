#!/usr/bin/env python3
"""Converts idealo's NIMA MobileNet (AVA) Keras 2.1.6 weights (HDF5) to
Weights/nima_mobilenet_ava.safetensors for the Swift engine, and checks the result.

Usage: Tools/convert_nima.py [SOURCE.hdf5] [OUT.safetensors]
  default source: ../shared/weights-src/nima_mobilenet_aesthetic_ava.hdf5 (sha256 e563ad91...)
Needs: pip install h5py numpy pillow

Layout written (float32): conv1.weight [32,3,3,3] (OIHW), conv_dw_N.weight [C,1,3,3],
conv_pw_N.weight [O,I,1,1], dense_1.weight [10,1024], dense_1.bias [10], and for every
conv the unfolded batch norm X_bn.{gamma,beta,mean,var} (folded by the Swift loader, eps 1e-3).
Self-check: a float64 numpy forward of the converted tensors on the reference inputs must
match ../shared/reference/nima/golden.tsv within 1e-5."""
import hashlib
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nima_graph  # noqa: E402
import safetensors_io  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
SRC = os.path.join(SHARED, "weights-src", "nima_mobilenet_aesthetic_ava.hdf5")
SRC_SHA = "e563ad91b3d47410e45f7238f07ab8f6abd1bd0c4b18a4b0af9c681a21a91cb2"
OUT = os.path.join(ROOT, "Weights", "nima_mobilenet_ava.safetensors")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else SRC
    out = sys.argv[2] if len(sys.argv) > 2 else OUT
    digest = hashlib.sha256(open(src, "rb").read()).hexdigest()
    if digest != SRC_SHA:
        sys.exit(f"{src}: sha256 {digest} is not the expected {SRC_SHA}")
    f = h5py.File(src, "r")

    def get(layer, var):
        return np.array(f[layer][layer][var + ":0"], dtype=np.float32)

    t = {}
    t["conv1.weight"] = get("conv1", "kernel").transpose(3, 2, 0, 1)           # HWIO -> OIHW
    bns = ["conv1_bn"]
    for i, _, _ in nima_graph.BLOCKS:
        t[f"conv_dw_{i}.weight"] = get(f"conv_dw_{i}", "depthwise_kernel").transpose(2, 3, 0, 1)  # HWC1 -> C1HW
        t[f"conv_pw_{i}.weight"] = get(f"conv_pw_{i}", "kernel").transpose(3, 2, 0, 1)
        bns += [f"conv_dw_{i}_bn", f"conv_pw_{i}_bn"]
    for bn in bns:
        for ours, keras in (("gamma", "gamma"), ("beta", "beta"), ("mean", "moving_mean"), ("var", "moving_variance")):
            t[f"{bn}.{ours}"] = get(bn, keras)
    t["dense_1.weight"] = get("dense_1", "kernel").T.copy()
    t["dense_1.bias"] = get("dense_1", "bias")
    n_params = sum(v.size for v in t.values())
    assert n_params == 3_239_114, n_params

    safetensors_io.write(out, t, {
        "model": "NIMA MobileNet-v1 (AVA aesthetic), idealo weights_mobilenet_aesthetic_0.07",
        "source": os.path.basename(src), "source_sha256": SRC_SHA, "license": "Apache-2.0 (idealo)",
        "layout": "OIHW; depthwise [C,1,3,3]; dense [out,in]; BN unfolded, eps 1e-3",
    })
    print(f"wrote {out}: {len(t)} tensors, {n_params} parameters, "
          f"sha256 {hashlib.sha256(open(out, 'rb').read()).hexdigest()}")

    # Self-check against the independent float64 golden outputs.
    golden = os.path.join(SHARED, "reference", "nima", "golden.tsv")
    if os.path.exists(golden):
        from PIL import Image
        back, _ = safetensors_io.read(out)
        rows = [l.rstrip("\n").split("\t") for l in open(golden)][1:]
        worst = 0.0
        for row in rows[:4]:
            name = os.path.splitext(os.path.basename(row[0]))[0]
            img = np.asarray(Image.open(os.path.join(SHARED, "reference", "nima", "input224", name + ".png")).convert("RGB"))
            p = nima_graph.forward(back, img)
            worst = max(worst, float(np.abs(p - np.array(row[3:], dtype=float)).max()))
        print(f"self-check on 4 golden inputs: max |p - golden| = {worst:.2e}")
        if worst > 1e-5:
            sys.exit("self-check failed")


if __name__ == "__main__":
    main()
