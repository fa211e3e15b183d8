"""Reference implementations of radnb's metrics, written independently with NumPy only (no scikit-learn,
no SciPy), so that the TypeScript results can be checked against them.

Reads one JSON request {"task": ..., ...} on stdin and writes the JSON answer on stdout.
"""
import json
import sys

import numpy as np


def midranks(values):
    """1-based ranks, tied values sharing the mean of their ranks."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def auc(labels, scores):
    """Mann-Whitney U / (P N): the probability that a positive outranks a negative, ties one half."""
    y = np.asarray(labels)
    r = midranks(np.asarray(scores, dtype=float))
    p = int(y.sum())
    n = len(y) - p
    u = r[y == 1].sum() - p * (p + 1) / 2
    return u / (p * n)


def curve_counts(labels, scores):
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_group = np.r_[np.where(np.diff(s) != 0)[0], len(s) - 1]
    tps = np.cumsum(y)[last_of_group]
    fps = (last_of_group + 1) - tps
    return s[last_of_group], tps, fps


def roc(labels, scores):
    thresholds, tps, fps = curve_counts(labels, scores)
    return {"fpr": np.r_[0, fps / fps[-1]].tolist(), "tpr": np.r_[0, tps / tps[-1]].tolist(), "thresholds": thresholds.tolist()}


def average_precision(labels, scores):
    _, tps, fps = curve_counts(labels, scores)
    precision = tps / (tps + fps)
    recall = np.r_[0, tps / tps[-1]]
    return float(np.sum(np.diff(recall) * precision))


def calibration(labels, probs, bins):
    y = np.asarray(labels, dtype=float)
    p = np.asarray(probs, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], p, side="right")
    count = np.bincount(ids, minlength=bins)
    sum_p = np.bincount(ids, weights=p, minlength=bins)
    sum_y = np.bincount(ids, weights=y, minlength=bins)
    nonzero = count > 0
    ece = np.sum(np.abs(sum_y[nonzero] - sum_p[nonzero])) / len(p)
    fraction_positive = [None if c == 0 else float(sy / c) for c, sy in zip(count, sum_y)]
    return {"ece": float(ece), "brier": float(np.mean((p - y) ** 2)), "count": count.tolist(), "fractionPositive": fraction_positive}


def surface(mask):
    """Foreground voxels with a face neighbour outside the mask (outside the grid is background)."""
    padded = np.pad(mask, 1)
    inner = tuple(slice(1, -1) for _ in mask.shape)
    eroded = mask.copy()
    for axis in range(mask.ndim):
        for step in (-1, 1):
            eroded &= np.roll(padded, step, axis=axis)[inner]
    return mask & ~eroded


def hd95(a, b, shape, spacing):
    a = np.asarray(a, dtype=bool).reshape(shape)
    b = np.asarray(b, dtype=bool).reshape(shape)
    pa = np.argwhere(surface(a)) * np.asarray(spacing)
    pb = np.argwhere(surface(b)) * np.asarray(spacing)
    d = np.sqrt(((pa[:, None, :] - pb[None, :, :]) ** 2).sum(-1))
    return float(np.percentile(np.r_[d.min(1), d.min(0)], 95))


def gaussian_filter(image, sigma=1.5, radius=5):
    x = np.arange(-radius, radius + 1)
    k = np.exp(-0.5 * (x / sigma) ** 2)
    k /= k.sum()
    padded = np.pad(image, radius, mode="symmetric")
    rows = sum(k[i] * padded[:, i : i + image.shape[1]] for i in range(2 * radius + 1))
    return sum(k[i] * rows[i : i + image.shape[0], :] for i in range(2 * radius + 1))


def ssim(x, y, shape, data_range):
    """Wang et al. 2004: Gaussian 11x11 window, sigma 1.5, population covariances, mean over the valid region."""
    x = np.asarray(x, dtype=float).reshape(shape)
    y = np.asarray(y, dtype=float).reshape(shape)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = gaussian_filter(x), gaussian_filter(y)
    vx = gaussian_filter(x * x) - mx * mx
    vy = gaussian_filter(y * y) - my * my
    cxy = gaussian_filter(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(s[5:-5, 5:-5].mean())


def psnr(x, y, data_range):
    mse = np.mean((np.asarray(x, dtype=float) - np.asarray(y, dtype=float)) ** 2)
    return float(10 * np.log10(data_range**2 / mse))


def main():
    request = json.load(sys.stdin)
    task = request["task"]
    if task == "auc":
        answer = auc(request["labels"], request["scores"])
    elif task == "roc":
        answer = roc(request["labels"], request["scores"])
    elif task == "ap":
        answer = average_precision(request["labels"], request["scores"])
    elif task == "calibration":
        answer = calibration(request["labels"], request["probs"], request["bins"])
    elif task == "hd95":
        answer = hd95(request["a"], request["b"], request["shape"], request["spacing"])
    elif task == "ssim":
        answer = ssim(request["x"], request["y"], request["shape"], request["dataRange"])
    elif task == "psnr":
        answer = psnr(request["x"], request["y"], request["dataRange"])
    else:
        raise SystemExit(f"unknown task {task}")
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
