#!/usr/bin/env python3
"""Summarise the white-balance factor on a degrade-and-recover dev set.

Usage:
  .build/release/iaa-bench-recover factors OUT 384 > factors.tsv
  python3 Tools/wb-calibration.py factors.tsv [--by-photo]

Reads the `whiteBalance` rows of the TSV (kinds clean, warm, cold) and prints:
- untouched (clean) photos: raw median, median absolute deviation, level counts;
- warm and cold copies: level counts and the shift of raw from the clean copy (mean ± sd);
- "neutralise rec": 1 − |t − g| / |t|, where t is the cast that was applied (ln R/G, ln B/G
  of the benchmark's linear gains) and g the estimate (greyEdgeU, greyEdgeV) read on the cast
  copy: the share of the cast left after dividing the copy by the estimated illuminant, as a
  fraction of the cast. Median over photos, overall and for copies with confidence ≥ 0.5.
  For an estimator that follows a gain exactly (g = c + t) this is 1 − |c| / |t| with c the
  estimate on the clean copy, the figure /tmp/proto/wb.py prints.
The casts are those of `iaa-bench-recover degrade`: warm R×1.08 G×1 B×0.86, cold R×0.9
G×0.98 B×1.12 (linear light).
"""
import math
import sys
from collections import Counter, defaultdict

CASTS = {"warm": (math.log(1.08), math.log(0.86)), "cold": (math.log(0.9 / 0.98), math.log(1.12 / 0.98))}


def median(v):
    s = sorted(v)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def load(path):
    rows = defaultdict(dict)
    with open(path) as f:
        next(f)
        for line in f:
            kind, photo, factor, raw, score, level, meas = line.rstrip("\n").split("\t")
            if factor != "whiteBalance":
                continue
            m = dict(kv.split("=") for kv in meas.split(",") if kv)
            rows[kind][photo] = dict(raw=float(raw), level=int(level), **{k: float(v) for k, v in m.items()})
    return rows


def main():
    path = sys.argv[1]
    by_photo = "--by-photo" in sys.argv
    rows = load(path)
    clean = rows["clean"]
    photos = sorted(clean)
    raws = [clean[p]["raw"] for p in photos]
    med = median(raws)
    mad = median([abs(r - med) for r in raws])
    lv = Counter(clean[p]["level"] for p in photos)
    print(f"{path}: {len(photos)} photos")
    print(f"untouched: raw median {med:+.2f}, MAD {mad:.2f} b*; levels {dict(sorted(lv.items()))}; "
          f"called warm/cold {sum(v for k, v in lv.items() if k != 3)}")
    if "confidence" in clean[photos[0]]:
        conf = [clean[p]["confidence"] for p in photos]
        hi = [p for p in photos if clean[p]["confidence"] >= 0.5]
        if hi:
            r = [clean[p]["raw"] for p in hi]
            m2 = median(r)
            print(f"  confidence median {median(conf):.2f}; {len(hi)} with ≥ 0.5: raw median {m2:+.2f}, "
                  f"MAD {median([abs(x - m2) for x in r]):.2f}, called {sum(clean[p]['level'] != 3 for p in hi)}")
    for kind, side in (("warm", (1, 2)), ("cold", (4, 5))):
        if kind not in rows:
            continue
        deg = rows[kind]
        ps = [p for p in photos if p in deg]
        shifts = [deg[p]["raw"] - clean[p]["raw"] for p in ps]
        mean = sum(shifts) / len(shifts)
        sd = (sum((s - mean) ** 2 for s in shifts) / max(1, len(shifts) - 1)) ** 0.5
        lv = Counter(deg[p]["level"] for p in ps)
        tu, tv = CASTS[kind]
        tn = math.hypot(tu, tv)
        rec, rec_hi, called_hi, n_hi = [], [], 0, 0
        for p in ps:
            gu, gv = deg[p]["greyEdgeU"], deg[p]["greyEdgeV"]
            r = 1 - math.hypot(tu - gu, tv - gv) / tn
            rec.append(r)
            if deg[p].get("confidence", 0) >= 0.5:
                rec_hi.append(r)
                n_hi += 1
                called_hi += deg[p]["level"] in side
        called = sum(v for k, v in lv.items() if k in side)
        hi = f"; confidence ≥ 0.5: {n_hi} copies, called {called_hi}, rec {100 * median(rec_hi):+.0f}%" if n_hi else ""
        print(f"{kind}: levels {dict(sorted(lv.items()))}, called {kind} {called}/{len(ps)}; shift {mean:+.2f} ± {sd:.2f}; "
              f"neutralise rec {100 * median(rec):+.0f}%{hi}")
    if by_photo:
        print("photo\tclean raw\tlevel\tconf\twarm raw\tlevel\tconf\tcold raw\tlevel\tconf")
        for p in photos:
            cells = [p]
            for kind in ("clean", "warm", "cold"):
                d = rows.get(kind, {}).get(p)
                cells += [f"{d['raw']:+.1f}", str(d["level"]), f"{d.get('confidence', float('nan')):.2f}"] if d else ["", "", ""]
            print("\t".join(cells))


if __name__ == "__main__":
    main()
