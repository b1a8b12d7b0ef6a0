"""Reads a PyTorch state dict saved with the legacy (pre-1.6, non-zip) serialisation, without
torch: five pickles (magic number, protocol version, system info, the object with storages
referenced by persistent ids, the list of storage keys) followed by each storage's raw bytes,
in key order, every one prefixed by its element count as a little-endian int64.
Also accepts the zip format (torch >= 1.6: archive/data.pkl + archive/data/<key>).
Only what a state dict of float/long tensors needs is understood; anything else is an error."""
import collections
import io
import pickle
import struct
import zipfile

import numpy as np

_STORAGE_DTYPES = {
    "FloatStorage": np.dtype("<f4"), "DoubleStorage": np.dtype("<f8"), "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"), "IntStorage": np.dtype("<i4"), "ByteStorage": np.dtype("u1"),
}
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class _Tensor:
    def __init__(self, key, offset, size, stride):
        self.key, self.offset, self.size, self.stride = key, offset, tuple(size), tuple(stride)


def _rebuild_tensor_v2(storage, offset, size, stride, *_):
    return _Tensor(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, storages):
        super().__init__(f)
        self.storages = storages

    def persistent_load(self, pid):
        # ('storage', StorageType, key, location, element count, [view metadata])
        if not (isinstance(pid, tuple) and pid[0] == "storage"):
            raise ValueError(f"unsupported persistent id {pid!r}")
        stype, key = pid[1], pid[2]
        if stype not in _STORAGE_DTYPES:
            raise ValueError(f"unsupported storage type {stype}")
        self.storages.setdefault(key, _STORAGE_DTYPES[stype])
        return key

    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        raise ValueError(f"unsupported pickled class {module}.{name}")


def _materialise(obj, raw):
    out = collections.OrderedDict()
    for name, t in obj.items():
        data = raw[t.key]
        n = int(np.prod(t.size)) if t.size else 1
        a = np.lib.stride_tricks.as_strided(data[t.offset:], shape=t.size,
                                            strides=[s * data.itemsize for s in t.stride]) if t.size else data[t.offset:t.offset + 1].reshape(())
        out[name] = np.array(a, copy=True, order="C")
        assert out[name].size == n
    return out


def load(path):
    """Returns an OrderedDict name -> numpy array (copies, native layout)."""
    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        pkl = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        prefix = pkl[: -len("data.pkl")]
        storages = {}
        obj = _Unpickler(io.BytesIO(z.read(pkl)), storages).load()
        raw = {k: np.frombuffer(z.read(prefix + "data/" + k), dtype=dt) for k, dt in storages.items()}
        return _materialise(obj, raw)
    with open(path, "rb") as f:
        if pickle.load(f) != LEGACY_MAGIC:
            raise ValueError(f"{path}: not a torch legacy file (bad magic number)")
        if pickle.load(f) != 1001:
            raise ValueError(f"{path}: unsupported legacy protocol version")
        info = pickle.load(f)
        if not info.get("little_endian", False):
            raise ValueError(f"{path}: big-endian files are not supported")
        storages = {}
        obj = _Unpickler(f, storages).load()
        keys = pickle.load(f)
        raw = {}
        for k in keys:
            (count,) = struct.unpack("<q", f.read(8))
            dt = storages[k]
            raw[k] = np.frombuffer(f.read(count * dt.itemsize), dtype=dt)
            if raw[k].size != count:
                raise ValueError(f"{path}: truncated storage {k}")
        if f.read(1):
            raise ValueError(f"{path}: trailing bytes after the last storage")
    return _materialise(obj, raw)
