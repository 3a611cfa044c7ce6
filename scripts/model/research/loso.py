"""Research only (not part of the build): leave-one-source-out experiments on the embedding cache written by
`npm run model:build -- --cache FILE`. A numpy mirror of scripts/model/head-experiments.ts (same rows, group
weights, class balance, standardization on the group weights, the head trained to the loss's minimum (scipy's L-BFGS-B,
float64; the TypeScript trainer runs its own L-BFGS to the same minimum), multiple-instance rounds,
LOSO protocol, alert point at <= 5 % of held-out clean photos), so recipes can be compared in minutes:
    python3 scripts/model/research/loso.py FILE '{"groupPower":0,"milRounds":1}' ['{"l2":0.3}' ...]
Recipe keys as in head-experiments.ts (l2 [default 0.1], varianceFloor, cleanTileWeight, groupPower [default 0 here],
wholeOnly, milRounds) plus research-only ones: cols (embedding column ranges [[start, end], ...]), agg (max|top2|top3|lse|whole|maxtiles+whole|meanmax: how a frame's
tile logits are combined; inference uses max), milGroup (the picked tiles weigh as a group of their own), noSynthetic, noAugmented, noCrops, noFromFail, augWeight, syntheticWhole (share of the clean synthetic
group's weight on its whole-frame rows).
One JSON line per recipe: pooled AUC and recall (rec, n of 225), the webcam copies', and per held-out source
"failures flagged/failures c(clean flagged)/clean w(webcam copies flagged)".
"""
import json, struct, sys, time
import numpy as np
from scipy.optimize import minimize

def load(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<I', raw[:4])[0]
    meta = json.loads(raw[4:4 + n])
    start = 4 + n + ((4 - ((4 + n) % 4)) % 4)
    x = np.frombuffer(raw[start:], dtype=np.float32).reshape(len(meta['rows']), meta['dims'])
    return meta, x

META, X32 = load(sys.argv[1])
ROWS, FRAMES = META['rows'], META['frames']
XALL = X32.astype(np.float64)
X = XALL
N = len(ROWS)
LABEL = np.array([(-1 if r.get('label') is None else r['label']) for r in ROWS])
SRC = np.array([r['source'] for r in ROWS])
KIND = np.array([r['kind'] for r in ROWS])
FRAME = np.array([r['frame'] for r in ROWS])
AUG = np.array([r['augmented'] for r in ROWS])
FLABEL = np.array([f['label'] for f in FRAMES])
FSRC = np.array([f['source'] for f in FRAMES])
FAUG = np.array([f['augmented'] for f in FRAMES])
FROMFAIL = (LABEL == 0) & (FLABEL[FRAME] == 1)
SOURCES = sorted(set(FSRC) - {'synthetic'})
TILES = np.array([f['tileRows'] for f in FRAMES])  # frames x 10

def train(idx, y, w, l2=0.1, floor=0.1, x=None):
    """The head at the minimum of the weighted log loss + l2 / 2 |w|^2, as trainLogisticHead (L-BFGS there too)."""
    x = X if x is None else x
    xs = x[idx]
    wt = w.astype(np.float64).copy()
    pos, neg = wt[y == 1].sum(), wt[y == 0].sum(); tot = pos + neg
    wt = np.where(y == 1, wt * tot / (2 * pos), wt * tot / (2 * neg))
    w0 = w.astype(np.float64)
    mean = (w0[:, None] * xs).sum(0) / w0.sum()
    std = np.sqrt((w0[:, None] * (xs - mean) ** 2).sum(0) / w0.sum())
    std = np.maximum(std, max(1e-6, floor * np.sort(std)[len(std) // 2]))
    z = (xs - mean) / std
    d = xs.shape[1]
    S = wt.sum()
    def f(th):
        logit = z @ th[:d] + th[d]
        loss = (wt * (np.logaddexp(0, logit) - y * logit)).sum() / S + 0.5 * l2 * (th[:d] @ th[:d])
        e = wt * (1 / (1 + np.exp(-logit)) - y)
        g = np.concatenate([e @ z, [e.sum()]]) / S
        g[:d] += l2 * th[:d]
        return loss, g
    res = minimize(f, np.zeros(d + 1), jac=True, method='L-BFGS-B', options=dict(maxiter=1000, gtol=1e-6, ftol=1e-12))
    return mean, std, res.x

def logits(head, rows, x=None):
    x = X if x is None else x
    mean, std, th = head
    return ((x[rows] - mean) / std) @ th[:-1] + th[-1]

def examples(heldout, r, extra_pos=None):
    """Training rows and weights as trainingExamples(); extra_pos: row indices (unlabelled tiles) to use as positives."""
    lab = LABEL.copy()
    if extra_pos is not None and len(extra_pos):
        lab[extra_pos] = 1
    ok = (lab >= 0) & (SRC != heldout)
    if r.get('wholeOnly'): ok &= KIND != 'tile'
    if r.get('noSynthetic'): ok &= SRC != 'synthetic'
    if r.get('noAugmented'): ok &= ~AUG
    if r.get('noCrops'): ok &= KIND != 'crop'
    if r.get('noFromFail'): ok &= ~FROMFAIL
    idx = np.nonzero(ok)[0]
    y = lab[idx].astype(float)
    groups = np.char.add(np.char.add(SRC[idx], ':'), y.astype(int).astype(str))
    if r.get('milGroup') and extra_pos is not None and len(extra_pos):
        isx = np.isin(idx, extra_pos)
        groups = np.where(isx, np.char.add(groups, ':mil'), groups)
    if r.get('groupByKind'):
        groups = np.char.add(np.char.add(groups, ':'), np.where(KIND[idx] == 'tile', 'tile', 'frame'))
    _, inv, counts = np.unique(groups, return_inverse=True, return_counts=True)
    size = counts[inv].astype(float)
    p = r.get('groupPower', 0)
    w = size ** (p - 1)
    w = w * np.where(FROMFAIL[idx], r.get('cleanTileWeight', 1), 1)
    w = w * np.where(AUG[idx], r.get('augWeight', 1), 1)
    if 'syntheticWhole' in r:
        # share of the clean synthetic group's weight on its whole-frame rows (the rest on its tiles)
        sc = (SRC[idx] == 'synthetic') & (y == 0)
        whole = sc & (KIND[idx] == 'whole'); tile = sc & (KIND[idx] != 'whole')
        total = w[sc].sum()
        w = np.where(whole, total * r['syntheticWhole'] / max(whole.sum(), 1), w)
        w = np.where(tile, total * (1 - r['syntheticWhole']) / max(tile.sum(), 1), w)
    return idx, y, w

def agg(z, how):
    if how == 'max': return z.max(1)
    if how == 'top2': return np.sort(z, 1)[:, -2:].mean(1)
    if how == 'top3': return np.sort(z, 1)[:, -3:].mean(1)
    if how == 'lse': m = z.max(1); return np.log(np.exp(z - m[:, None]).sum(1)) + m
    if how == 'whole': return z[:, 0]
    if how == 'maxtiles+whole': return 0.5 * (z[:, 1:].max(1) + z[:, 0])
    if how == 'meanmax': return 0.5 * (z.max(1) + z.mean(1))
    raise ValueError(how)

def fit(heldout, r):
    kw = dict(l2=r.get('l2', 0.1), floor=r.get('varianceFloor', 0.1))
    idx, y, w = examples(heldout, r)
    head = train(idx, y, w, **kw)
    for _ in range(r.get('milRounds', r.get('mil', 0))):
        # multiple-instance step: the hottest unlabelled tile of each training failure photo becomes a positive
        frames = np.nonzero((FLABEL == 1) & (FSRC != heldout) & (FSRC != 'synthetic'))[0]
        t = TILES[frames]
        unl = LABEL[t] < 0
        zz = logits(head, t.ravel()).reshape(t.shape)
        zz[~unl] = -np.inf
        best = zz.argmax(1)
        has = unl.any(1)
        extra = t[np.arange(len(frames)), best][has]
        idx, y, w = examples(heldout, r, extra)
        head = train(idx, y, w, **kw)
    return head

def auc(s, y):
    order = np.argsort(s, kind='mergesort')
    ranks = np.empty(len(s)); ranks[order] = np.arange(1, len(s) + 1)
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, ranks); ranks = (sums / counts)[inv]
    P = (y == 1).sum(); Nn = len(y) - P
    return (ranks[y == 1].sum() - P * (P + 1) / 2) / (P * Nn)

def columns(r):
    """cols: [[start, end], ...] picks embedding columns (e.g. one backbone's taps); default all."""
    if 'cols' not in r: return XALL
    return XALL[:, np.concatenate([np.arange(a, b) for a, b in r['cols']])]

def loso(r, name=None):
    global X
    X = columns(r)
    t0 = time.time()
    how = r.get('agg', 'max')
    s = np.zeros(len(FRAMES)); done = np.zeros(len(FRAMES), bool)
    for src in SOURCES:
        head = fit(src, r)
        f = np.nonzero(FSRC == src)[0]
        z = logits(head, TILES[f].ravel()).reshape(len(f), -1)
        s[f] = agg(z, how); done[f] = True
    o = done & ~FAUG; a = done & FAUG
    so, yo = s[o], FLABEL[o]
    clean = np.sort(so[yo == 0])[::-1]
    thr = clean[int(0.05 * len(clean))] + 1e-9
    rec = (so[yo == 1] >= thr).mean()
    fpr = (so[yo == 0] >= thr).mean()
    ca = np.sort(s[a][FLABEL[a] == 0])[::-1]
    per = []
    for src in SOURCES:
        m = o & (FSRC == src)
        fl = (s[m & (FLABEL == 1)] >= thr).sum(), (m & (FLABEL == 1)).sum()
        cl = (s[m & (FLABEL == 0)] >= thr).sum(), (m & (FLABEL == 0)).sum()
        mw = a & (FSRC == src)
        per.append(f"{src[:8]} {fl[0]}/{fl[1]} c{cl[0]}/{cl[1]} w{(s[mw & (FLABEL == 1)] >= thr).sum()}/{(mw & (FLABEL == 1)).sum()}")
    out = dict(name=name or json.dumps(r), auc=round(auc(so, yo), 4), rec=round(rec, 4), n=int((so[yo == 1] >= thr).sum()),
               fpr=round(fpr, 3), aucw=round(auc(s[a], FLABEL[a]), 4), recw=round((s[a][FLABEL[a] == 1] >= thr).mean(), 3),
               fprw=round((s[a][FLABEL[a] == 0] >= thr).mean(), 3), per=' | '.join(per), sec=round(time.time() - t0))
    print(json.dumps(out), flush=True)
    return out, s

if __name__ == '__main__':
    for spec in sys.argv[2:]:
        loso(json.loads(spec))
