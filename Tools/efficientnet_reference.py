#!/usr/bin/env python3
"""Reference outputs for the Swift EfficientNet-Lite0: an independent float64 numpy forward
(efficientnet_graph.py) of the committed Weights/efficientnet_lite0.safetensors on a few
fixture photos, preprocessed exactly as the Swift side does (centred square, area-average
resample to 224×224, see efficientnet_graph.crop_resize).

Writes Tests/Fixtures/theme/input224/<photo>.png (the 224×224 network inputs, fed to both
sides) and Tests/Fixtures/theme/reference.tsv: per photo the top-5 ImageNet class indices and
probabilities. With SOURCE.pth given, also prints the float32-source top-5 for comparison.

Usage: Tools/efficientnet_reference.py [SOURCE.pth]     Needs: numpy, pillow."""
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import efficientnet_graph as graph  # noqa: E402
import safetensors_io  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "theme")
PHOTOS = ["macaws", "salad_bowl", "tulip_field", "vintage_cars", "daisy_bouquet"]


def main():
    weights, _ = safetensors_io.read(os.path.join(ROOT, "Weights", "efficientnet_lite0.safetensors"))
    source = None
    if len(sys.argv) > 1:
        import torch_legacy
        source = torch_legacy.load(sys.argv[1])
    names = [l.split("\t")[1].split(",")[0] for l in open(os.path.join(ROOT, "Weights", "imagenet_classes.txt")).read().splitlines()]
    os.makedirs(os.path.join(OUT, "input224"), exist_ok=True)
    rows = ["photo\t" + "\t".join(f"class{i}\tp{i}" for i in range(1, 6))]
    for name in PHOTOS:
        img = np.asarray(Image.open(os.path.join(ROOT, "Tests", "Fixtures", "photos", name + ".jpg")).convert("RGB"))
        x = graph.crop_resize(img)
        Image.fromarray(x).save(os.path.join(OUT, "input224", name + ".png"), optimize=True)
        _, p = graph.forward(weights, x)
        top = np.argsort(-p)[:5]
        rows.append(name + "\t" + "\t".join(f"{i}\t{p[i]:.8f}" for i in top))
        line = ", ".join(f"{names[i]} {p[i]:.4f}" for i in top)
        if source is not None:
            _, q = graph.forward(source, x)
            line += f"   | fp32 source max|Δp| {np.abs(p - q).max():.1e}, top-5 " + ("same" if list(np.argsort(-q)[:5]) == list(top) else "DIFFERENT")
        print(f"{name}: {line}")
    with open(os.path.join(OUT, "reference.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
