#!/usr/bin/env python3
"""Independent numpy reference of ALGORITHM.md, for cross-checks and speed baselines.

Written from the specification, not from the TypeScript code. Reads a tfjs model.json (Dense
layers, float32 weights) and the MNIST IDX files, prunes, and prints JSON on stdout.

  prune: ispasp_reference.py prune MODEL_JSON MNIST_DIR --keep 0.1 --method ispasp [--iterations 20] [--samples 1000]
  bench: ispasp_reference.py bench MNIST_DIR --units 1024 [--repeats 5]
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def load_tfjs_dense(model_json_path):
    with open(model_json_path) as f:
        model = json.load(f)
    base = os.path.dirname(model_json_path)
    blobs = []
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(base, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"]))
            blobs.append(np.frombuffer(data, dtype=np.float32, count=count, offset=offset).reshape(spec["shape"]))
            offset += 4 * count
    # Dense layers in order: kernel then bias.
    return [(blobs[i].astype(np.float64), blobs[i + 1].astype(np.float64)) for i in range(0, len(blobs), 2)]


def load_images(mnist_dir, split, count=None):
    name = "train-images-idx3-ubyte" if split == "train" else "t10k-images-idx3-ubyte"
    raw = open(os.path.join(mnist_dir, name), "rb").read()
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)
    if count is not None:
        images = images[:count]
    return images.astype(np.float32) / 255.0


def load_labels(mnist_dir, split):
    name = "train-labels-idx1-ubyte" if split == "train" else "t10k-labels-idx1-ubyte"
    return np.frombuffer(open(os.path.join(mnist_dir, name), "rb").read(), dtype=np.uint8, offset=8)


def kept_count(rho, units):
    return max(1, int(np.floor(rho * units + 1e-9)))


def top(scores, k, pool=None):
    """k indices with the largest score, ties to the lower index, ascending."""
    pool = np.arange(len(scores)) if pool is None else np.asarray(sorted(pool))
    order = np.lexsort((pool, -scores[pool]))
    return np.sort(pool[order[:k]])


def ispasp(H, V, s, iterations):
    hbar = H.sum(0)
    U = H @ V
    norm_u = np.linalg.norm(U)
    S = np.array([], dtype=int)
    residuals = []
    for _ in range(iterations):
        R = U - H[:, S] @ V[S, :]
        z = (R @ V.T).sum(0)
        omega = top(z, min(2 * s, H.shape[1]))
        merged = np.union1d(omega, S)
        S = top(hbar, s, merged)
        residuals.append(float(np.linalg.norm(U - H[:, S] @ V[S, :]) / norm_u))
    return S, residuals


def gfs(H, V, s):
    R = H @ V
    S = []
    hn = (H ** 2).sum(0)
    vn = (V ** 2).sum(1)
    for _ in range(s):
        gain = 2 * ((H.T @ R) * V).sum(1) - hn * vn
        gain[S] = -np.inf
        j = int(np.argmax(gain))
        S.append(j)
        R = R - np.outer(H[:, j], V[j])
    return np.sort(np.array(S))


def prune(layers, X, keep, method, iterations, seed):
    layers = [(W.copy(), b.copy()) for W, b in layers]
    rng = np.random.default_rng(seed)
    A = X.astype(np.float64)
    report = []
    for l in range(len(layers) - 1):
        W, b = layers[l]
        V, c = layers[l + 1]
        H = np.maximum(A @ W + b, 0)
        s = kept_count(keep[l], W.shape[1])
        residuals = []
        if method == "ispasp":
            S, residuals = ispasp(H, V, s, iterations)
        elif method == "topk":
            S = top(H.sum(0), s)
        elif method == "magnitude":
            S = top(np.abs(W).sum(0), s)
        elif method == "gfs":
            S = gfs(H, V, s)
        elif method == "random":
            S = np.sort(rng.choice(W.shape[1], s, replace=False))
        else:
            raise SystemExit(f"unknown method {method}")
        report.append({"units": int(W.shape[1]), "kept": [int(j) for j in S], "residuals": residuals})
        layers[l] = (W[:, S], b[S])
        layers[l + 1] = (V[S, :], c)
        A = H[:, S]
    return layers, report


def accuracy(layers, X, labels):
    A = X.astype(np.float64)
    for l, (W, b) in enumerate(layers):
        A = A @ W + b
        if l < len(layers) - 1:
            A = np.maximum(A, 0)
    return float((A.argmax(1) == labels).mean())


def bench(mnist_dir, units, repeats, keep=0.1, iterations=20, samples=1000, batch=128):
    """Times i-SpaSP on 784-units-10 with random weights: closed form and the authors' loop."""
    X = load_images(mnist_dir, "train", samples)
    rng = np.random.default_rng(0)
    W = (rng.standard_normal((784, units)) * 0.05).astype(np.float32)
    b = np.full(units, 0.01, np.float32)
    V = rng.standard_normal((units, 10)).astype(np.float32)
    s = kept_count(keep, units)

    def closed_form():
        H = np.maximum(X @ W + b, 0)
        hbar = H.sum(0)
        U = H @ V
        S = np.array([], dtype=int)
        for _ in range(iterations):
            d = hbar.copy()
            d[S] = 0
            z = V @ (V.T @ d)
            S = top(hbar, s, np.union1d(top(z, min(2 * s, units)), S))
            np.linalg.norm(U - H[:, S] @ V[S])
        return S

    def authors_loop():
        # prune_basic_block: importance by the gradient of the residual, mini-batch by mini-batch.
        H = np.maximum(X @ W + b, 0)
        hbar = H.sum(0)
        S = np.array([], dtype=int)
        for _ in range(iterations):
            z = np.zeros(units, np.float32)
            for i in range(0, samples, batch):
                hb = H[i:i + batch]
                R = hb @ V - (hb[:, S] @ V[S] if len(S) else 0)
                z += (R @ V.T).sum(0)
            S = top(hbar, s, np.union1d(top(z, min(2 * s, units)), S))
        return S

    def median_ms(fn):
        for _ in range(5):  # as many untimed calls as the TypeScript bench makes
            fn()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
        return float(np.median(times))

    def matmul():
        X @ W

    return {
        "units": units,
        "samples": samples,
        "iterations": iterations,
        "closedFormMs": median_ms(closed_form),
        "authorsLoopMs": median_ms(authors_loop),
        "matmulMs": median_ms(matmul),
        "numpy": np.__version__,
        "blas": blas_name(),
    }


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"]["name"]
    except Exception:
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prune")
    p.add_argument("model")
    p.add_argument("mnist")
    p.add_argument("--keep", required=True)
    p.add_argument("--method", default="ispasp")
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--accuracy", action="store_true")
    b = sub.add_parser("bench")
    b.add_argument("mnist")
    b.add_argument("--units", type=int, nargs="+", default=[1024])
    b.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.command == "prune":
        layers = load_tfjs_dense(args.model)
        keep = [float(k) for k in args.keep.split(",")]
        if len(keep) == 1:
            keep = keep * (len(layers) - 1)
        X = load_images(args.mnist, "train", args.samples)
        pruned, report = prune(layers, X, keep, args.method, args.iterations, args.seed)
        out = {"layers": report}
        if args.accuracy:
            Xt = load_images(args.mnist, "test")
            yt = load_labels(args.mnist, "test")
            out["accuracy"] = {"dense": accuracy(layers, Xt, yt), "pruned": accuracy(pruned, Xt, yt)}
        json.dump(out, sys.stdout)
    else:
        json.dump([bench(args.mnist, u, args.repeats) for u in args.units], sys.stdout)


if __name__ == "__main__":
    main()
