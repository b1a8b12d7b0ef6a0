#!/usr/bin/env python3
"""Converts libfacedetection's YuNet-n ONNX model to Weights/yunet_n.safetensors.

Usage: Tools/convert_yunet.py [SOURCE.onnx] [OUT.safetensors]
  default source: ../shared/weights-src/yunet_n_dynamic.onnx (sha256 104ee26c...)
Needs: pip install onnx numpy

The ONNX graph already has batch norm folded into its convolutions; the depthwise half of each
ConvDPUnit (and the stem conv) carry anonymous initializer names, so every conv is renamed after
its module: "<unit>.conv1" is the 1x1 pointwise conv, "<unit>.conv2" the 3x3 depthwise conv,
"backbone.model0.conv1.conv1" the stem 3x3/2 conv. Every tensor keeps its ONNX layout (OIHW,
depthwise [C,1,3,3]) and float32 values bit for bit."""
import hashlib
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "weights-src", "yunet_n_dynamic.onnx")
SRC_SHA = "104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12"
OUT = os.path.join(ROOT, "Weights", "yunet_n.safetensors")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else SRC
    out = sys.argv[2] if len(sys.argv) > 2 else OUT
    digest = hashlib.sha256(open(src, "rb").read()).hexdigest()
    if digest != SRC_SHA:
        sys.exit(f"{src}: sha256 {digest} is not the expected {SRC_SHA}")
    m = onnx.load(src)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    producer = {}  # output tensor -> (module name of the conv that produced it)
    t = {}
    for node in m.graph.node:
        if node.op_type != "Conv":
            continue
        w, b = node.input[1], node.input[2]
        if w.endswith(".weight"):
            name = w[: -len(".weight")]
        elif node.input[0] == "input":
            name = "backbone.model0.conv1.conv1"
        else:
            prev = producer.get(node.input[0])
            if prev is None or not prev.endswith(".conv1"):
                sys.exit(f"cannot name the conv producing {node.output[0]}")
            name = prev[: -len(".conv1")] + ".conv2"
        producer[node.output[0]] = name
        assert name + ".weight" not in t, name
        t[name + ".weight"] = inits[w].astype(np.float32)
        t[name + ".bias"] = inits[b].astype(np.float32)
    n_params = sum(v.size for v in t.values())
    safetensors_io.write(out, t, {
        "model": "YuNet-n face detector (libfacedetection)",
        "source": os.path.basename(src), "source_sha256": SRC_SHA, "license": "Apache-2.0 (libfacedetection)",
        "layout": "ONNX OIHW, BN folded; <unit>.conv1 = 1x1, <unit>.conv2 = depthwise 3x3",
    })
    print(f"wrote {out}: {len(t)} tensors, {n_params} parameters, "
          f"sha256 {hashlib.sha256(open(out, 'rb').read()).hexdigest()}")
    for k in sorted(t):
        print(f"  {k} {list(t[k].shape)}")


if __name__ == "__main__":
    main()
