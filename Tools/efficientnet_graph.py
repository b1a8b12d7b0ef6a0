"""EfficientNet-Lite0 (Tan & Le 2019, "Lite" variant of tensorflow/tpu efficientnet/lite) as an
independent float64 numpy forward pass, used to make the reference outputs the Swift engine is
tested against and to check conversions. Graph as in efficientnet_lite_pytorch 0.1.0
(utils.efficientnet_lite / model.EfficientNet), the code the weights were published for:
stem conv 3x3/2 (32) -> 16 MBConv blocks without squeeze-excite -> head conv 1x1 (1280) ->
global average pool -> fc 1000. ReLU6 everywhere, BN eps 1e-3, TF "SAME" padding (the odd
pixel of a stride-2 window at the bottom/right), residual when stride 1 and in == out."""
import numpy as np

BN_EPS = 1e-3
# (number of blocks, kernel, first stride, expand ratio, output channels) of the 7 stages
# (efficientnet_lite_builder's 'r1_k3_s11_e1_i32_o16', … 'r1_k3_s11_e6_i192_o320'; depth 1.0).
STAGES = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
          (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]
# Input scaling (x − 127) / 128: the weights were converted from the TensorFlow EfficientNet-Lite
# checkpoint (their storages are still HWIO / channels-last), whose preprocessing uses
# MEAN_RGB = 127, STDDEV_RGB = 128 (see Weights/EfficientNet-Lite0.md).
MEAN = np.array([127.0, 127.0, 127.0])
STD = np.array([128.0, 128.0, 128.0])
INPUT = 224


def blocks():
    """[(index, in, out, kernel, stride, expand)] for the 16 blocks."""
    out, c, i = [], 32, 0
    for n, k, s, e, o in STAGES:
        for r in range(n):
            out.append((i, c, o, k, s if r == 0 else 1, e))
            c, i = o, i + 1
    return out


def same_pads(n, k, s):
    o = -(-n // s)
    total = max((o - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def pad(x, k, s):
    t, b = same_pads(x.shape[1], k, s)
    l, r = same_pads(x.shape[2], k, s)
    return np.pad(x, ((0, 0), (t, b), (l, r)))


def conv(x, w, s=1):
    """x [C,H,W], w [O,C,k,k], SAME."""
    o, c, k, _ = w.shape
    xp = pad(x, k, s)
    oh = -(-x.shape[1] // s)
    ow = -(-x.shape[2] // s)
    if k == 1 and s == 1:
        return np.tensordot(w[:, :, 0, 0], x, axes=(1, 0))
    cols = np.empty((c, k, k, oh, ow))
    for ky in range(k):
        for kx in range(k):
            cols[:, ky, kx] = xp[:, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s]
    return np.tensordot(w.reshape(o, -1), cols.reshape(c * k * k, oh, ow), axes=(1, 0))


def depthwise(x, w, s=1):
    """x [C,H,W], w [C,1,k,k], SAME."""
    c, _, k, _ = w.shape
    xp = pad(x, k, s)
    oh = -(-x.shape[1] // s)
    ow = -(-x.shape[2] // s)
    y = np.zeros((c, oh, ow))
    for ky in range(k):
        for kx in range(k):
            y += w[:, 0, ky, kx][:, None, None] * xp[:, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s]
    return y


def bn(x, sd, name):
    g, b, m, v = (np.asarray(sd[f"{name}.{p}"], dtype=np.float64) for p in ("weight", "bias", "running_mean", "running_var"))
    return (x - m[:, None, None]) / np.sqrt(v[:, None, None] + BN_EPS) * g[:, None, None] + b[:, None, None]


def relu6(x):
    return np.clip(x, 0, 6)


def normalise(img):
    """uint8 [224,224,3] RGB -> float64 [3,224,224]."""
    return ((img.astype(np.float64) - MEAN) / STD).transpose(2, 0, 1)


def forward(sd, img):
    """sd: state dict with the PyTorch names (any float dtype); img: uint8 [224,224,3] RGB.
    Returns (logits [1000], probabilities [1000]) in float64."""
    f = lambda n: np.asarray(sd[n], dtype=np.float64)  # noqa: E731
    x = relu6(bn(conv(normalise(img), f("_conv_stem.weight"), 2), sd, "_bn0"))
    for i, cin, cout, k, s, e in blocks():
        p = f"_blocks.{i}."
        h = x
        if e != 1:
            h = relu6(bn(conv(h, f(p + "_expand_conv.weight")), sd, p + "_bn0"))
        h = relu6(bn(depthwise(h, f(p + "_depthwise_conv.weight"), s), sd, p + "_bn1"))
        h = bn(conv(h, f(p + "_project_conv.weight")), sd, p + "_bn2")
        x = h + x if (s == 1 and cin == cout) else h
    x = relu6(bn(conv(x, f("_conv_head.weight")), sd, "_bn1"))
    pooled = x.mean(axis=(1, 2))
    logits = f("_fc.weight") @ pooled + f("_fc.bias")
    e = np.exp(logits - logits.max())
    return logits, e / e.sum()


def crop_resize(img, side=INPUT):
    """The Swift preprocessing (EfficientNetLite0.prepare): the centred square of the short side
    (offset ⌊(long − short)/2⌋), then an exact area-average (box) resample to side×side —
    each output pixel is the overlap-weighted mean of the source pixels its footprint covers —
    rounded half up. uint8 [H,W,3] -> uint8 [side,side,3]."""
    h, w, _ = img.shape
    s = min(h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    sq = img[y0:y0 + s, x0:x0 + s].astype(np.float64)
    m = area_matrix(s, side)
    out = np.einsum("ij,jkc->ikc", m, sq)
    out = np.einsum("ij,kjc->kic", m, out)
    return np.floor(out + 0.5).clip(0, 255).astype(np.uint8)


def area_matrix(n, m):
    """[m, n] weights: row i averages source interval [i·n/m, (i+1)·n/m)."""
    a = np.zeros((m, n))
    scale = n / m
    for i in range(m):
        lo, hi = i * scale, (i + 1) * scale
        for j in range(int(np.floor(lo)), min(n, int(np.ceil(hi)))):
            a[i, j] = (min(hi, j + 1) - max(lo, j)) / scale
    return a
