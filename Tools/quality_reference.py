#!/usr/bin/env python3
"""Reference BRISQUE and NIQE scores for the Swift ports (writes Tests/Fixtures/quality/).

Run from the repository root, in a virtualenv (other tools may replace a global cv2):

    python3 -m venv /tmp/qref && /tmp/qref/bin/pip install numpy scipy \
        opencv-contrib-python-headless==4.14.0.94
    /tmp/qref/bin/python Tools/quality_reference.py [--weights-src DIR]

BRISQUE: OpenCV's own `cv2.quality.QualityBRISQUE` (opencv-contrib-python-headless 4.14.0.94)
with the LIVE model YAMLs. The `brisque` column is computed with IPP disabled
(`cv2.ipp.setUseIPP(False)`): OpenCV's portable code path, which the Swift port reproduces
operation for operation. `brisque_ipp` is the default (IPP) result, for information: IPP's
bicubic resize rounds differently (≤ 2.4e-7 on even sizes, more on odd sizes).

NIQE: BasicSR 1.4.2's `basicsr/metrics/niqe.py`, run unmodified from the PyPI sdist
(`pip download --no-deps basicsr==1.4.2`). Only its MATLAB-style `imresize` (which needs torch)
is replaced by a numpy transcription of the same function (`_imresize_half` below: bicubic
a = −0.5, antialiased 8-tap kernel at scale 0.5, symmetric borders, float32), cross-checked
against pyteenybrisque's independent transcription of the same MATLAB resize.

Decoding: every photo is read with OpenCV's libjpeg-turbo; the RGB bytes' SHA-256 is written
next to the scores so the Swift test proves it scores the very same pixels.
"""
import argparse, glob, hashlib, importlib.util, math, os, subprocess, sys, tempfile, types

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(ROOT, "Tests", "Fixtures", "photos")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "quality")

# Degraded copies (written once, committed): photo, kind, parameter.
DEGRADE = ["astronaut", "columbia_crew", "tulip_field"]


def degrade(bgr, kind):
    if kind == "blur2":
        return cv2.GaussianBlur(bgr, (0, 0), 2.0)
    if kind == "noise12":
        rng = np.random.default_rng(20240501)
        return np.clip(bgr.astype(np.float64) + rng.normal(0, 12, bgr.shape), 0, 255).round().astype(np.uint8)
    raise ValueError(kind)


def write_degraded():
    made = []
    for name in DEGRADE:
        bgr = cv2.imread(os.path.join(PHOTOS, name + ".jpg"), cv2.IMREAD_COLOR)
        for kind in ("blur2", "noise12"):
            path = os.path.join(OUT, f"{name}_{kind}.jpg")
            cv2.imwrite(path, degrade(bgr, kind), [cv2.IMWRITE_JPEG_QUALITY, 95])
            made.append(path)
        path = os.path.join(OUT, f"{name}_jpeg10.jpg")
        cv2.imwrite(path, bgr, [cv2.IMWRITE_JPEG_QUALITY, 10])
        made.append(path)
    return made


# ---- NIQE: BasicSR's module with a numpy imresize ------------------------------------------

def _cubic(x):
    ax = np.abs(x)
    return (1.5 * ax**3 - 2.5 * ax**2 + 1) * (ax <= 1) + (-0.5 * ax**3 + 2.5 * ax**2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2))


def _weights_indices(n_in, scale):
    """basicsr.utils.matlab_functions.calculate_weights_indices for antialiased cubic, float32."""
    n_out = math.ceil(n_in * scale)
    kw = 4 / scale
    x = np.linspace(1, n_out, n_out, dtype=np.float32)
    u = x / np.float32(scale) + np.float32(0.5 * (1 - 1 / scale))
    left = np.floor(u - np.float32(kw / 2))
    p = math.ceil(kw) + 2
    idx = left[:, None] + np.arange(p, dtype=np.float32)[None, :]
    w = (np.float32(scale) * _cubic((u[:, None] - idx) * np.float32(scale))).astype(np.float32)
    w = w / w.sum(1, keepdims=True)
    zeros = (w == 0).sum(0)
    if zeros[0] != 0:
        idx, w = idx[:, 1:], w[:, 1:]
    if zeros[-1] != 0:
        idx, w = idx[:, :-1], w[:, :-1]
    idx = idx.astype(np.int64) - 1  # 0-based
    # MATLAB 'symmetric' padding: -1 -> 0, -2 -> 1, n -> n-1 ...
    idx = np.where(idx < 0, -idx - 1, idx)
    idx = np.where(idx >= n_in, 2 * n_in - 1 - idx, idx)
    return w.astype(np.float32), idx


def _imresize(img, scale, antialiasing=True):
    assert antialiasing and img.ndim == 2
    img = img.astype(np.float32)
    wh, ih = _weights_indices(img.shape[0], scale)
    ww, iw = _weights_indices(img.shape[1], scale)
    out1 = np.einsum("ok,okw->ow", wh, img[ih]).astype(np.float32)
    out2 = np.einsum("ok,hok->ho", ww, out1[:, iw]).astype(np.float32)
    return out2


def load_basicsr_niqe():
    tmp = tempfile.mkdtemp(prefix="basicsr-")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "basicsr==1.4.2", "-d", tmp], check=True)
    import tarfile
    with tarfile.open(os.path.join(tmp, "basicsr-1.4.2.tar.gz")) as t:
        src = t.extractfile("basicsr-1.4.2/basicsr/metrics/niqe.py").read().decode()
    # Stubs for BasicSR's package imports; scipy removed the `ndimage.filters` alias.
    import scipy.ndimage
    sys.modules["scipy.ndimage.filters"] = scipy.ndimage
    pkg = {n: types.ModuleType(n) for n in ["basicsr", "basicsr.metrics", "basicsr.metrics.metric_util",
                                           "basicsr.utils", "basicsr.utils.matlab_functions", "basicsr.utils.registry"]}
    pkg["basicsr.utils.matlab_functions"].imresize = _imresize

    class _Reg:
        def register(self):
            return lambda f: f
    pkg["basicsr.utils.registry"].METRIC_REGISTRY = _Reg()
    pkg["basicsr.metrics.metric_util"].reorder_image = None
    pkg["basicsr.metrics.metric_util"].to_y_channel = None
    sys.modules.update(pkg)
    mod = types.ModuleType("basicsr_niqe")
    exec(compile(src, "basicsr/metrics/niqe.py", "exec"), mod.__dict__)
    return mod


def to_y_channel_bgr(bgr):
    """basicsr.metrics.metric_util.to_y_channel (MATLAB rgb2ycbcr Y, float32), then round."""
    img = bgr.astype(np.float32) / 255.0
    y = np.dot(img, [24.966, 128.553, 65.481]) + 16.0
    y = (y / 255.0).astype(np.float32)
    return (y * 255.0).round()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights-src", default=os.path.join(ROOT, "..", "shared", "weights-src"))
    args = ap.parse_args()
    model = os.path.join(args.weights_src, "brisque_model_live.yml")
    rng = os.path.join(args.weights_src, "brisque_range_live.yml")
    pris = np.load(os.path.join(args.weights_src, "niqe_pris_params_basicsr.npz"))
    niqe_mod = load_basicsr_niqe()

    # The numpy imresize against pyteenybrisque's transcription, when it is installed.
    try:
        from pyteenybrisque._resize import downsample_half
        x = np.random.default_rng(0).uniform(0, 1, (96, 144)).astype(np.float32)
        d = np.abs(_imresize(x, 0.5) - downsample_half(x)).max()
        print(f"imresize vs pyteenybrisque: max |diff| = {d:.2e}", file=sys.stderr)
    except ImportError:
        pass

    os.makedirs(OUT, exist_ok=True)
    files = sorted(glob.glob(os.path.join(PHOTOS, "*.jpg"))) + sorted(write_degraded())
    rows = ["file\twidth\theight\trgb_sha256\tbrisque\tbrisque_ipp\tniqe"]
    for path in files:
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        rgb = np.ascontiguousarray(bgr[..., ::-1])
        sha = hashlib.sha256(rgb.tobytes()).hexdigest()
        cv2.ipp.setUseIPP(False)
        b = cv2.quality.QualityBRISQUE_compute(bgr, model, rng)[0]
        cv2.ipp.setUseIPP(True)
        b_ipp = cv2.quality.QualityBRISQUE_compute(bgr, model, rng)[0]
        y = to_y_channel_bgr(bgr)
        n = niqe_mod.niqe(y, pris["mu_pris_param"], pris["cov_pris_param"], pris["gaussian_window"])
        rel = os.path.relpath(path, os.path.join(ROOT, "Tests", "Fixtures"))
        rows.append(f"{rel}\t{bgr.shape[1]}\t{bgr.shape[0]}\t{sha}\t{b:.6f}\t{b_ipp:.6f}\t{n:.6f}")
        print(rows[-1], file=sys.stderr)
    with open(os.path.join(OUT, "reference.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")

    # Odd-sized crops of the decoded photos (exercise the filters' and resizes' edge paths);
    # the test crops the same rectangle from its own (verified identical) decode.
    rows = ["file\tx\ty\twidth\theight\tbrisque\tbrisque_ipp\tniqe"]
    for name, (x, y, w, h) in [("tulip_field", (3, 5, 761, 503)), ("carrots", (1, 2, 509, 765)),
                               ("birthday_balloons", (7, 0, 597, 411)), ("schoolgirls", (0, 9, 483, 291))]:
        bgr = np.ascontiguousarray(cv2.imread(os.path.join(PHOTOS, name + ".jpg"), cv2.IMREAD_COLOR)[y:y + h, x:x + w])
        cv2.ipp.setUseIPP(False)
        b = cv2.quality.QualityBRISQUE_compute(bgr, model, rng)[0]
        cv2.ipp.setUseIPP(True)
        b_ipp = cv2.quality.QualityBRISQUE_compute(bgr, model, rng)[0]
        n = niqe_mod.niqe(to_y_channel_bgr(bgr), pris["mu_pris_param"], pris["cov_pris_param"], pris["gaussian_window"])
        rows.append(f"photos/{name}.jpg\t{x}\t{y}\t{w}\t{h}\t{b:.6f}\t{b_ipp:.6f}\t{n:.6f}")
        print(rows[-1], file=sys.stderr)
    with open(os.path.join(OUT, "reference_crops.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
