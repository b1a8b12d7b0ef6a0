#!/usr/bin/env python3
"""Builds the NIMA MobileNet-v1 graph as ONNX from Weights/nima_mobilenet_ava.safetensors, for
the onnxruntime baseline of Tools/bench-neural.sh. Same graph as the Swift port (BN folded in
float64 like the Swift loader, symmetric pad 1, ReLU6 as Clip(0, 6), GAP, dense, softmax);
dynamic batch. The .onnx is a build product: write it outside the repository (default
/tmp/iaa-bench/nima_mobilenet_ava.onnx); never commit it.

Usage: Tools/export_nima_onnx.py [OUT.onnx]        Needs: pip install onnx numpy
Checks the exported model with onnxruntime (if installed) against the float64 reference forward."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nima_graph  # noqa: E402
import safetensors_io  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEIGHTS = os.path.join(ROOT, "Weights", "nima_mobilenet_ava.safetensors")


def fold(t, conv, bn):
    w = t[conv + ".weight"].astype(np.float64)
    g, b, m, v = (t[f"{bn}.{k}"].astype(np.float64) for k in ("gamma", "beta", "mean", "var"))
    s = g / np.sqrt(v + nima_graph.EPS)
    return (w * s[:, None, None, None]).astype(np.float32), (b - m * s).astype(np.float32)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/iaa-bench/nima_mobilenet_ava.onnx"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    t, _ = safetensors_io.read(WEIGHTS)
    nodes, inits = [], []
    zero, six = numpy_helper.from_array(np.array(0, np.float32), "zero"), numpy_helper.from_array(np.array(6, np.float32), "six")
    inits += [zero, six]

    def conv(x, name, conv_name, bn, stride, group):
        w, b = fold(t, conv_name, bn)
        inits.append(numpy_helper.from_array(w, name + "_w"))
        inits.append(numpy_helper.from_array(b, name + "_b"))
        k = w.shape[2]
        p = 1 if k == 3 else 0
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name + "_c"], kernel_shape=[k, k],
                                      strides=[stride, stride], pads=[p, p, p, p], group=group))
        nodes.append(helper.make_node("Clip", [name + "_c", "zero", "six"], [name]))
        return name

    x = conv("input", "conv1", "conv1", "conv1_bn", 2, 1)
    c = 32
    for i, cout, s in nima_graph.BLOCKS:
        x = conv(x, f"dw{i}", f"conv_dw_{i}", f"conv_dw_{i}_bn", s, c)
        x = conv(x, f"pw{i}", f"conv_pw_{i}", f"conv_pw_{i}_bn", 1, 1)
        c = cout
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], axis=1))
    inits.append(numpy_helper.from_array(t["dense_1.weight"].astype(np.float32), "dense_w"))
    inits.append(numpy_helper.from_array(t["dense_1.bias"].astype(np.float32), "dense_b"))
    nodes.append(helper.make_node("Gemm", ["flat", "dense_w", "dense_b"], ["logits"], transB=1))
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
    graph = helper.make_graph(nodes, "nima_mobilenet_ava",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 224, 224])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out}")
    try:
        import onnxruntime as ort
    except ImportError:
        return
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
    ref = nima_graph.forward(t, img)
    x = (img.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1)[None]
    p = ort.InferenceSession(out, providers=["CPUExecutionProvider"]).run(None, {"input": x})[0][0]
    err = float(np.abs(p - ref).max())
    print(f"onnxruntime vs float64 reference: max |dp| = {err:.2e}")
    if err > 1e-4:
        sys.exit("exported graph disagrees with the reference")


if __name__ == "__main__":
    main()
