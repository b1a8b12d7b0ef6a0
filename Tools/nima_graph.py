"""NIMA MobileNet-v1 (alpha 1.0, 224x224) as used by idealo's image-quality-assessment with
Keras 2.1.6, shared by the converter's self-check and the ONNX exporter.

Graph: conv1 3x3/2 -> 13 x [depthwise 3x3 (stride 2 at blocks 2, 4, 6, 12), pointwise 1x1],
every conv followed by BN (eps 1e-3) and ReLU6; zero padding 1 on all sides before every 3x3
conv (Keras 2.1.6 pads symmetrically, also for stride 2); global average pool; dense 1024->10;
softmax. Weights in the converted file use OIHW ([C,1,3,3] for depthwise, [10,1024] dense)."""
import numpy as np

# (name, out channels, stride) for the 13 depthwise-separable blocks.
BLOCKS = [(1, 64, 1), (2, 128, 2), (3, 128, 1), (4, 256, 2), (5, 256, 1), (6, 512, 2),
          (7, 512, 1), (8, 512, 1), (9, 512, 1), (10, 512, 1), (11, 512, 1), (12, 1024, 2),
          (13, 1024, 1)]
EPS = 1e-3


def nearest_resize(img, size=224):
    """PIL NEAREST as Pillow implements it (ImagingScaleAffine): source index int(xo),
    xo starting at scale/2 and advancing by scale = src/dst in double precision."""
    h, w = img.shape[:2]

    def idx(src, dst):
        s = src / dst
        xo = s * 0.5
        out = []
        for _ in range(dst):
            out.append(int(xo))
            xo += s
        return np.array(out)

    return img[idx(h, size)][:, idx(w, size)]


def _bn(x, t, name):
    g, b, m, v = (t[f"{name}.{k}"].astype(np.float64) for k in ("gamma", "beta", "mean", "var"))
    s = g / np.sqrt(v + EPS)
    return x * s[:, None, None] + (b - m * s)[:, None, None]


def _conv3x3(x, w, stride):
    c, h, wd = x.shape
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    oh, ow = (h + 2 - 3) // stride + 1, (wd + 2 - 3) // stride + 1
    cols = np.stack([p[:, ky:ky + stride * (oh - 1) + 1:stride, kx:kx + stride * (ow - 1) + 1:stride]
                     for ky in range(3) for kx in range(3)], axis=1)  # c, 9, oh, ow
    return np.einsum("ock,ckhw->ohw", w.reshape(w.shape[0], c, 9), cols)


def _depthwise(x, w, stride):
    c, h, wd = x.shape
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    oh, ow = (h + 2 - 3) // stride + 1, (wd + 2 - 3) // stride + 1
    out = np.zeros((c, oh, ow))
    for ky in range(3):
        for kx in range(3):
            out += w[:, 0, ky, kx][:, None, None] * p[:, ky:ky + stride * (oh - 1) + 1:stride,
                                                       kx:kx + stride * (ow - 1) + 1:stride]
    return out


def forward(t, rgb224):
    """float64 reference forward of one 224x224x3 uint8 RGB image -> 10 probabilities."""
    x = rgb224.astype(np.float64).transpose(2, 0, 1) / 127.5 - 1
    relu6 = lambda v: np.clip(v, 0, 6)
    x = relu6(_bn(_conv3x3(x, t["conv1.weight"].astype(np.float64), 2), t, "conv1_bn"))
    for i, cout, s in BLOCKS:
        x = relu6(_bn(_depthwise(x, t[f"conv_dw_{i}.weight"].astype(np.float64), s), t, f"conv_dw_{i}_bn"))
        w = t[f"conv_pw_{i}.weight"].astype(np.float64)[:, :, 0, 0]
        x = relu6(_bn(np.einsum("oc,chw->ohw", w, x), t, f"conv_pw_{i}_bn"))
    g = x.mean(axis=(1, 2))
    z = t["dense_1.weight"].astype(np.float64) @ g + t["dense_1.bias"].astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()
