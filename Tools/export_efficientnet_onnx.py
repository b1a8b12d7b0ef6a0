#!/usr/bin/env python3
"""Builds EfficientNet-Lite0 as ONNX from Weights/efficientnet_lite0.safetensors, for the
onnxruntime baseline of Tools/bench-neural.sh. Same graph as the Swift port: BN folded in
float64 like the Swift loader, TF "SAME" padding as explicit (asymmetric) pads for the fixed
224×224 input, ReLU6 as Clip(0, 6), residual Add, GAP, fc, softmax; dynamic batch. Input is
the already-scaled tensor (x − 127) / 128. The .onnx is a build product: write it outside the
repository (default /tmp/iaa-bench/efficientnet_lite0.onnx); never commit it.

Usage: Tools/export_efficientnet_onnx.py [OUT.onnx]        Needs: pip install onnx numpy
Checks the exported model with onnxruntime (if installed) against the float64 reference forward."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efficientnet_graph as graph  # noqa: E402
import safetensors_io  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEIGHTS = os.path.join(ROOT, "Weights", "efficientnet_lite0.safetensors")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/iaa-bench/efficientnet_lite0.onnx"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    t, _ = safetensors_io.read(WEIGHTS)
    nodes = []
    inits = [numpy_helper.from_array(np.array(0, np.float32), "zero"), numpy_helper.from_array(np.array(6, np.float32), "six")]

    def conv(x, name, weight, bn, size, stride=1, group=1, relu6=True):
        w = t[weight].astype(np.float64)
        g, b, m, v = (t[f"{bn}.{k}"].astype(np.float64) for k in ("weight", "bias", "running_mean", "running_var"))
        s = g / np.sqrt(v + graph.BN_EPS)
        inits.append(numpy_helper.from_array((w * s[:, None, None, None]).astype(np.float32), name + "_w"))
        inits.append(numpy_helper.from_array((b - m * s).astype(np.float32), name + "_b"))
        k = w.shape[2]
        top, bottom = graph.same_pads(size, k, stride)
        y = name + ("_c" if relu6 else "")
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [y], kernel_shape=[k, k],
                                      strides=[stride, stride], pads=[top, top, bottom, bottom], group=group))
        if relu6:
            nodes.append(helper.make_node("Clip", [y, "zero", "six"], [name]))
        return name, -(-size // stride)

    x, size = conv("input", "stem", "_conv_stem.weight", "_bn0", graph.INPUT, 2)
    for i, cin, cout, k, s, e in graph.blocks():
        p = f"_blocks.{i}."
        h = x
        if e != 1:
            h, _ = conv(h, f"b{i}_expand", p + "_expand_conv.weight", p + "_bn0", size)
        h, nsize = conv(h, f"b{i}_dw", p + "_depthwise_conv.weight", p + "_bn1", size, s, group=cin * e)
        h, _ = conv(h, f"b{i}_project", p + "_project_conv.weight", p + "_bn2", nsize, relu6=False)
        if s == 1 and cin == cout:
            nodes.append(helper.make_node("Add", [h, x], [f"b{i}_out"]))
            h = f"b{i}_out"
        x, size = h, nsize
    x, _ = conv(x, "head", "_conv_head.weight", "_bn1", size)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], axis=1))
    inits.append(numpy_helper.from_array(t["_fc.weight"].astype(np.float32), "fc_w"))
    inits.append(numpy_helper.from_array(t["_fc.bias"].astype(np.float32), "fc_b"))
    nodes.append(helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], transB=1))
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
    g = helper.make_graph(nodes, "efficientnet_lite0",
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 224, 224])],
                          [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 1000])], inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out}")
    try:
        import onnxruntime as ort
    except ImportError:
        return
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
    _, ref = graph.forward(t, img)
    x = ((img.astype(np.float32) - 127) / 128).transpose(2, 0, 1)[None]
    p = ort.InferenceSession(out, providers=["CPUExecutionProvider"]).run(None, {"input": x})[0][0]
    err = float(np.abs(p - ref).max())
    print(f"onnxruntime vs float64 reference: max |dp| = {err:.2e}")
    if err > 1e-4:
        sys.exit("exported graph disagrees with the reference")


if __name__ == "__main__":
    main()
