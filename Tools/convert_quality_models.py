#!/usr/bin/env python3
"""Converts the BRISQUE and NIQE originals into Weights/*.safetensors (numpy only).

    python3 Tools/convert_quality_models.py [--weights-src ../shared/weights-src]

- Weights/brisque_live.safetensors from OpenCV's `brisque_model_live.yml` (RBF ε-SVR on LIVE-R2)
  and `brisque_range_live.yml`: support_vectors F32 [774, 36] and range F32 [2, 36] (OpenCV
  reads both as float32), alpha F64 [774], rho F64 [1], gamma F64 [1] (doubles in OpenCV).
- Weights/niqe_pristine.safetensors from BasicSR's `niqe_pris_params.npz` (the official MATLAB
  pristine model): mu F64 [36], cov F64 [36, 36], gaussian_window F64 [7, 7], bit for bit.

Prints the sha256 of each output (the Swift loader checks it against a constant).
"""
import argparse, hashlib, json, os, re, struct

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, arr in tensors:
        arr = np.ascontiguousarray(arr)
        dtype = {np.dtype("float32"): "F32", np.dtype("float64"): "F64"}[arr.dtype]
        raw = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    data = struct.pack("<Q", len(h)) + h + b"".join(blobs)
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def floats(text):
    return [float(v) for v in text.replace("\n", " ").split(",") if v.strip()]


def read_opencv_svm(path):
    t = open(path).read()
    head, rest = t.split("support_vectors:", 1)
    sv_text, df_text = rest.split("decision_functions:", 1)
    assert re.search(r"svmType:\s*EPS_SVR", head) and re.search(r"type:\s*RBF", head)
    sv = np.array([floats(b) for b in re.findall(r"-\s*\[([^\]]*)\]", sv_text)], dtype=np.float64)
    gamma = float(re.search(r"gamma:\s*([-+0-9.eE]+)", head).group(1))
    rho = float(re.search(r"rho:\s*([-+0-9.eE]+)", df_text).group(1))
    alpha = np.array(floats(re.search(r"alpha:\s*\[([^\]]*)\]", df_text).group(1)))
    assert sv.shape == (774, 36) and alpha.shape == (774,), (sv.shape, alpha.shape)
    assert "index" not in df_text  # all support vectors belong to the one decision function
    return sv.astype(np.float32), alpha, rho, gamma


def read_opencv_range(path):
    t = open(path).read()
    assert re.search(r"rows:\s*2", t) and re.search(r"cols:\s*36", t)
    return np.array(floats(re.search(r"data:\s*\[([^\]]*)\]", t).group(1)), dtype=np.float64).astype(np.float32).reshape(2, 36)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights-src", default=os.path.join(ROOT, "..", "shared", "weights-src"))
    args = ap.parse_args()
    src = args.weights_src
    out = os.path.join(ROOT, "Weights")
    os.makedirs(out, exist_ok=True)

    sv, alpha, rho, gamma = read_opencv_svm(os.path.join(src, "brisque_model_live.yml"))
    rng = read_opencv_range(os.path.join(src, "brisque_range_live.yml"))
    sha_b = write_safetensors(os.path.join(out, "brisque_live.safetensors"), [
        ("support_vectors", sv), ("alpha", alpha), ("rho", np.array([rho])), ("gamma", np.array([gamma])),
        ("range", rng)], {"model": "BRISQUE", "source": "opencv_contrib quality brisque_model_live.yml + brisque_range_live.yml"})
    print("brisque_live.safetensors", sha_b)

    npz = np.load(os.path.join(src, "niqe_pris_params_basicsr.npz"))
    mu = npz["mu_pris_param"].reshape(36).astype(np.float64)
    cov = npz["cov_pris_param"].astype(np.float64)
    win = npz["gaussian_window"].astype(np.float64)
    assert cov.shape == (36, 36) and win.shape == (7, 7)
    sha_n = write_safetensors(os.path.join(out, "niqe_pristine.safetensors"), [
        ("mu", mu), ("cov", cov), ("gaussian_window", win)],
        {"model": "NIQE", "source": "BasicSR 1.4.2 basicsr/metrics/niqe_pris_params.npz"})
    print("niqe_pristine.safetensors", sha_n)


if __name__ == "__main__":
    main()
