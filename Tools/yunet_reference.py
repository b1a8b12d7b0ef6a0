#!/usr/bin/env python3
"""Reference YuNet detections for the Swift port's parity test, written to
Tests/Fixtures/neural/yunet_reference.json.

onnxruntime runs ../shared/weights-src/yunet_n_dynamic.onnx on each fixture photo (BGR, 0-255,
zero-padded at the bottom/right to a multiple of 32, as OpenCV's FaceDetectorYN does); the raw
outputs are decoded exactly like FaceDetectorYN::postProcess (strides 8/16/32, score =
sqrt(cls*obj) with both clamped to [0,1], boxes from centre offsets and exp sizes, NMS on
integer-truncated boxes via dnn::NMSBoxes semantics). If OpenCV (opencv-python-headless) is
installed, its FaceDetectorYN is run too and the agreement is printed.

Usage: Tools/yunet_reference.py        Needs: pip install onnxruntime numpy pillow [opencv-python-headless]"""
import json
import math
import os

import numpy as np
import onnxruntime as ort
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "..", "shared", "weights-src", "yunet_n_dynamic.onnx")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "neural", "yunet_reference.json")
# (fixture photo, crop to width x height from the top-left or None). The crop gives a size that
# is not a multiple of 32, so the padding path is exercised.
CASES = [("schoolgirls.jpg", None), ("columbia_crew.jpg", None), ("astronaut.jpg", None),
         ("columbia_crew.jpg", (700, 500))]
SCORE, NMS, TOPK = 0.6, 0.3, 5000
STRIDES = (8, 16, 32)


def iou_int(a, b):
    ax, ay, aw, ah = (int(v) for v in a)
    bx, by, bw, bh = (int(v) for v in b)
    iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def postprocess(outs, pad_w, pad_h):
    faces = []
    for i, s in enumerate(STRIDES):
        cols, rows = pad_w // s, pad_h // s
        cls, obj, bbox, kps = (outs[f"{k}_{s}"][0] for k in ("cls", "obj", "bbox", "kps"))
        for r in range(rows):
            for c in range(cols):
                idx = r * cols + c
                cs = min(max(float(cls[idx, 0]), 0.0), 1.0)
                os_ = min(max(float(obj[idx, 0]), 0.0), 1.0)
                score = math.sqrt(cs * os_)
                if score < SCORE:
                    continue
                cx = (c + float(bbox[idx, 0])) * s
                cy = (r + float(bbox[idx, 1])) * s
                w = math.exp(float(bbox[idx, 2])) * s
                h = math.exp(float(bbox[idx, 3])) * s
                lm = []
                for n in range(5):
                    lm += [(float(kps[idx, 2 * n]) + c) * s, (float(kps[idx, 2 * n + 1]) + r) * s]
                faces.append({"box": [cx - w / 2, cy - h / 2, w, h], "score": score, "landmarks": lm})
    # dnn::NMSBoxes: stable sort by score (descending), greedy, IoU on int-truncated rects.
    order = sorted(range(len(faces)), key=lambda k: -faces[k]["score"])[:TOPK]
    keep = []
    for k in order:
        if all(iou_int(faces[k]["box"], faces[j]["box"]) <= NMS for j in keep):
            keep.append(k)
    return [faces[k] for k in keep]


def main():
    sess = ort.InferenceSession(MODEL, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    try:
        import cv2
    except ImportError:
        cv2 = None
    cases = []
    for photo, crop in CASES:
        rgb = np.asarray(Image.open(os.path.join(ROOT, "Tests", "Fixtures", "photos", photo)).convert("RGB"))
        if crop:
            rgb = rgb[: crop[1], : crop[0]]
        h, w = rgb.shape[:2]
        pad_w, pad_h = (w - 1) // 32 * 32 + 32, (h - 1) // 32 * 32 + 32
        bgr = np.zeros((pad_h, pad_w, 3), np.float32)
        bgr[:h, :w] = rgb[:, :, ::-1]
        outs = dict(zip(names, sess.run(None, {"input": bgr.transpose(2, 0, 1)[None]})))
        faces = postprocess(outs, pad_w, pad_h)
        print(f"{photo} {w}x{h}{' (crop)' if crop else ''}: {len(faces)} faces, scores "
              + " ".join(f"{f['score']:.3f}" for f in faces))
        if cv2 is not None:
            det = cv2.FaceDetectorYN.create(MODEL, "", (w, h), SCORE, NMS, TOPK)
            _, cvf = det.detect(np.ascontiguousarray(rgb[:, :, ::-1]))
            cvf = [] if cvf is None else cvf
            worst = 0.0
            for f in faces:
                best = max((iou_int(f["box"], g[:4]) for g in cvf), default=0)
                worst = max(worst, 1 - best)
            print(f"   OpenCV {cv2.__version__} FaceDetectorYN: {len(cvf)} faces; worst 1-IoU vs ours {worst:.4f}; "
                  f"scores {' '.join(f'{g[14]:.3f}' for g in cvf)}")
        cases.append({"photo": photo, "crop": list(crop) if crop else None, "width": w, "height": h,
                      "faces": [{"box": [round(v, 3) for v in f["box"]], "score": round(f["score"], 5),
                                 "landmarks": [round(v, 3) for v in f["landmarks"]]} for f in faces]})
    ref = {"model": "yunet_n_dynamic.onnx",
           "model_sha256": "104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12",
           "runtime": f"onnxruntime {ort.__version__}", "score_threshold": SCORE, "nms_threshold": NMS,
           "box": "x, y, width, height in input pixels", "cases": cases}
    with open(OUT, "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
