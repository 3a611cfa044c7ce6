"""Research only (not part of the build): leave-one-source-out experiments on the embedding cache written by
`npm run model:build -- --cache FILE`. Mirrors scripts/model/head-experiments.ts so recipes can be compared fast
and the TypeScript numbers checked against numpy on the same features.
    python3 scripts/model/research/loso.py FILE [--features 1280] [--whole-only] [--l2 0.01] ...
"""
import argparse, json, struct
import numpy as np


def load(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<I', raw[:4])[0]
    meta = json.loads(raw[4:4 + n])
    start = 4 + n + ((4 - ((4 + n) % 4)) % 4)
    x = np.frombuffer(raw[start:], dtype=np.float32).reshape(len(meta['rows']), meta['dims'])
    return meta, x


def weights_for(rows, frames, idx, power, clean_tile_weight):
    groups = {}
    for i in idx:
        g = (rows[i]['source'], rows[i]['label'])
        groups[g] = groups.get(g, 0) + 1
    w = []
    for i in idx:
        r = rows[i]
        size = groups[(r['source'], r['label'])]
        from_fail = r['label'] == 0 and frames[r['frame']]['label'] == 1
        w.append(size ** (power - 1) * (clean_tile_weight if from_fail else 1))
    return np.array(w)


def train(x, y, w, l2, steps, lr, floor, balance=True):
    wt = w.copy()
    if balance:
        pos, neg = wt[y == 1].sum(), wt[y == 0].sum()
        tot = pos + neg
        wt = np.where(y == 1, wt * tot / (2 * pos), wt * tot / (2 * neg))
    mean = (wt[:, None] * x).sum(0) / wt.sum()
    std = np.sqrt((wt[:, None] * (x - mean) ** 2).sum(0) / wt.sum())
    std = np.maximum(std, max(1e-6, floor * np.sort(std)[len(std) // 2]))
    z = (x - mean) / std
    d = x.shape[1]
    theta = np.zeros(d + 1)
    m = np.zeros(d + 1); v = np.zeros(d + 1)
    b1, b2, eps = 0.9, 0.999, 1e-8
    S = wt.sum()
    for t in range(1, steps + 1):
        logit = z @ theta[:d] + theta[d]
        p = 1 / (1 + np.exp(-logit))
        e = wt * (p - y)
        g = np.concatenate([z.T @ e, [e.sum()]]) / S
        g[:d] += l2 * theta[:d]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return mean, std, theta


def auc(s, y):
    order = np.argsort(s, kind='mergesort')
    ranks = np.empty(len(s)); ranks[order] = np.arange(1, len(s) + 1)
    # ties: average ranks
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, ranks); ranks = (sums / counts)[inv]
    P = (y == 1).sum(); N = len(y) - P
    return (ranks[y == 1].sum() - P * (P + 1) / 2) / (P * N)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cache')
    ap.add_argument('--features', type=int, default=0)
    ap.add_argument('--whole-only', action='store_true')
    ap.add_argument('--l2', type=float, default=0.01)
    ap.add_argument('--floor', type=float, default=0.1)
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--lr', type=float, default=0.05)
    ap.add_argument('--power', type=float, default=0.5)
    ap.add_argument('--clean-tile-weight', type=float, default=1.0)
    ap.add_argument('--no-synthetic', action='store_true')
    ap.add_argument('--no-augmented', action='store_true')
    ap.add_argument('--no-crops', action='store_true')
    ap.add_argument('--transform', default='none', choices=['none', 'sqrt', 'l2block'])
    ap.add_argument('--stride', type=int, default=1)
    ap.add_argument('--cols', default='all', choices=['all', 'taps', 'block13', 'final+block13'])
    ap.add_argument('--agg', default='max', choices=['max', 'top2', 'lse'])
    a = ap.parse_args()
    meta, x = load(a.cache)
    if a.features: x = x[:, :a.features]
    if a.cols == 'taps': x = x[:, 1280:]
    elif a.cols == 'block13': x = x[:, 1472:]
    elif a.cols == 'final+block13': x = np.concatenate([x[:, :1280], x[:, 1472:]], axis=1)
    rows, frames = meta['rows'], meta['frames']
    x = x.astype(np.float64)
    if a.transform == 'sqrt':
        x = np.sqrt(np.maximum(x, 0))
    elif a.transform == 'l2block':
        for lo, hi in [(0, 1280), (1280, 1472), (1472, 2048)]:
            if hi <= x.shape[1]:
                x[:, lo:hi] /= np.linalg.norm(x[:, lo:hi], axis=1, keepdims=True) + 1e-6
    sources = sorted({f['source'] for f in frames} - {'synthetic'})
    per_group, ordinal = {}, []
    for f in frames:
        k = (f['source'], f['label']); ordinal.append(per_group.get(k, 0)); per_group[k] = per_group.get(k, 0) + 1
    keep = [a.stride <= 1 or per_group[(f['source'], f['label'])] <= 200 or ordinal[i] % a.stride == 0 for i, f in enumerate(frames)]
    labelled = [i for i, r in enumerate(rows) if r.get('label') is not None
                and not (a.whole_only and r['kind'] == 'tile')
                and not (a.no_synthetic and r['source'] == 'synthetic')
                and not (a.no_augmented and r['augmented'])
                and not (a.no_crops and r['kind'] == 'crop') and keep[r['frame']]]
    all_s, all_y, all_aug, all_src = [], [], [], []
    for src in sources:
        idx = [i for i in labelled if rows[i]['source'] != src]
        y = np.array([rows[i]['label'] for i in idx], dtype=float)
        w = weights_for(rows, frames, idx, a.power, a.clean_tile_weight)
        mean, std, th = train(x[idx], y, w, a.l2, a.steps, a.lr, a.floor)
        for f in frames:
            if f['source'] != src: continue
            tr = f['tileRows'][:1] if a.whole_only else f['tileRows']
            z = ((x[tr] - mean) / std) @ th[:-1] + th[-1]
            if a.agg == 'max': agg = z.max()
            elif a.agg == 'top2': agg = np.sort(z)[-2:].mean() if len(z) > 1 else z.max()
            else: agg = np.log(np.exp(z - z.max()).sum()) + z.max()
            all_s.append(agg); all_y.append(f['label']); all_aug.append(f['augmented']); all_src.append(src)
    s = np.array(all_s); y = np.array(all_y); aug = np.array(all_aug); src = np.array(all_src)
    o = ~aug
    so, yo = s[o], y[o]
    clean = np.sort(so[yo == 0])[::-1]
    thr = clean[int(0.05 * len(clean))] + 1e-9
    rec = (so[yo == 1] >= thr).mean()
    out = {'auc': round(auc(so, yo), 4), 'auc_webcam': round(auc(s[aug], y[aug]), 4), 'recall@5%': round(rec, 3)}
    for sname in sources:
        m = (src == sname) & o
        out[sname] = f"fail>{thr:.2f}: {(s[m & (y == 1)] >= thr).mean() if (m & (y == 1)).any() else float('nan'):.2f} clean>: {(s[m & (y == 0)] >= thr).mean() if (m & (y == 0)).any() else float('nan'):.2f}"
    print(json.dumps(vars(a) | out))


main()
