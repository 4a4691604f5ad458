#!/usr/bin/python3
"""Cross-check the C implementation against the PyTorch reference (scripts/torch_ref.py).

Forward: checkpoints written by `vae train` (kind vae and ae, arch mlp and conv: Conv2d and
ConvTranspose2d state dicts) load into the torch model with
strict state_dict loading (names and shapes of SPEC §5), carry the SPEC §5 metadata, and
`vae decode` / `vae encode` / `vae eval` agree with torch on them.
Reverse: checkpoints written by torch_ref.py load in `vae eval` / `vae decode` /
`vae encode` and agree the same way.
PCA: `vae train --kind pca` matches numpy's PCA of the same training split.

Env (set by tests.cmake): VAE_BUILD (build dir), VAE_DATA_DIR (IDX dir), VAE_TMP (scratch).
Run from the repository root. Prints one line per check, then "N passed, M failed".
"""

import importlib.util
import math
import os
import subprocess
import sys

import numpy as np
import torch

ROOT = os.getcwd()
BUILD = os.environ.get("VAE_BUILD") or os.path.join(ROOT, "build")
VAE = os.path.join(BUILD, "vae")
TMP = os.environ.get("VAE_TMP") or "/tmp"
FASHION = "/usr/share/datasets/fashion-mnist"

spec = importlib.util.spec_from_file_location("torch_ref", os.path.join(ROOT, "scripts", "torch_ref.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

DECODE_ATOL = 1e-5     # vae decode vs sigmoid(torch decoder(z)), absolute
ENCODE_RTOL = 1e-4     # vae encode vs torch encoder: |a - b| <= 1e-4 * max(1, |b|)
Z_POINTS = ["0,0", "1,-1", "-2,0.5", "3,3", "-0.3,-2.7", "0.05,1.7"]

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail else ""), flush=True)
    return ok


def run(args, timeout=900):
    """-> (returncode, stdout, stderr); a missing binary or timeout is a failed run."""
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, "", str(e)


def kv_line(out):
    """The last line holding neg_elbo=... as a dict of floats."""
    for line in reversed(out.splitlines()):
        if "neg_elbo=" in line:
            d = {}
            for tok in line.split():
                if "=" in tok:
                    k, v = tok.split("=", 1)
                    try:
                        d[k] = float(v)
                    except ValueError:
                        pass
            return d
    return None


def have_idx(d):
    return d and all(os.path.exists(os.path.join(d, b)) or os.path.exists(os.path.join(d, b + ".gz"))
                     for b in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))


def expected_shapes(kind, hidden, latent, n_in, classes, arch="mlp"):
    """name -> shape of every tensor: nn.Linear (out, in), nn.Conv2d [out, in, kh, kw],
    nn.ConvTranspose2d [in, out, kh, kw]."""
    c = classes if kind == "cvae" else 0
    s = {}
    conv = arch == "conv"
    feat = 64 * 7 * 7 if conv else n_in
    if conv:
        s["enc.conv.0.weight"], s["enc.conv.0.bias"] = (32, 1, 3, 3), (32,)
        s["enc.conv.1.weight"], s["enc.conv.1.bias"] = (64, 32, 3, 3), (64,)
    prev = feat + c
    for i, h in enumerate(hidden):
        s["enc.%d.weight" % i], s["enc.%d.bias" % i] = (h, prev), (h,)
        prev = h
    for h in (["mu"] if kind == "ae" else ["mu", "logvar"]):
        s["enc.%s.weight" % h], s["enc.%s.bias" % h] = (latent, prev), (latent,)
    prev = latent + c
    for i, h in enumerate(([] if conv else list(reversed(hidden))) + [feat]):
        s["dec.%d.weight" % i], s["dec.%d.bias" % i] = (h, prev), (h,)
        prev = h
    if conv:
        s["dec.conv.0.weight"], s["dec.conv.0.bias"] = (64, 64, 3, 3), (64,)
        s["dec.conv.1.weight"], s["dec.conv.1.bias"] = (64, 32, 3, 3), (32,)
        s["dec.conv.2.weight"], s["dec.conv.2.bias"] = (32, 1, 3, 3), (1,)
    return s


HIDDEN = {"mlp": (512, 256), "conv": (16,)}


def load_strict(tag, path, kind, arch="mlp"):
    """Load with strict=True; check names, order-independent, and shapes. -> (model, meta)."""
    tensors, meta = ref.st_read(path)
    shapes = expected_shapes(kind, HIDDEN[arch], 2, 784, 10, arch)
    names = sorted(shapes)
    check("%s: tensor names are the SPEC §5 state_dict names" % tag,
          sorted(tensors) == names,
          "got %s" % sorted(tensors) if sorted(tensors) != names else "%d tensors" % len(names))
    bad = [(k, tuple(v.shape), shapes.get(k)) for k, v in tensors.items() if tuple(v.shape) != shapes.get(k)]
    check("%s: tensor shapes are nn.Linear (out, in)%s" % (
          tag, ", nn.Conv2d, nn.ConvTranspose2d" if arch == "conv" else ""), not bad,
          "mismatches %s" % bad if bad else "")
    try:
        model = ref.VAE(ref.cfg_from_meta(meta, path))
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
        model.eval()
        check("%s: torch load_state_dict(strict=True)" % tag, True)
    except (RuntimeError, SystemExit, KeyError) as e:
        check("%s: torch load_state_dict(strict=True)" % tag, False, str(e).splitlines()[0])
        return None, meta
    return model, meta


def check_meta(tag, meta, kind, epoch=None, seed=None, arch="mlp"):
    want = {"format": "vae-explorer/1", "kind": kind, "latent": "2",
            "hidden": ",".join(str(h) for h in HIDDEN[arch]), "arch": arch,
            "input": "28,28", "classes": "10", "likelihood": "bernoulli", "activation": "relu"}
    if epoch is not None:
        want["epoch"] = str(epoch)
    if seed is not None:
        want["seed"] = str(seed)
    required = ["format", "kind", "latent", "hidden", "input", "classes", "likelihood",
                "activation", "beta", "dataset", "epoch", "step", "seed"]
    missing = [k for k in required if k not in meta]
    check("%s: metadata has all SPEC §5 keys" % tag, not missing, "missing %s" % missing if missing else "")
    wrong = {k: (meta.get(k), v) for k, v in want.items() if meta.get(k) != v}
    check("%s: metadata values" % tag, not wrong, "got/want %s" % wrong if wrong else "")
    try:
        ok = float(meta.get("beta", "x")) == 1.0 and int(meta.get("step", "x")) > 0 and meta.get("dataset")
    except ValueError:
        ok = False
    check("%s: metadata beta=1, step>0, dataset set" % tag, bool(ok),
          "beta=%r step=%r dataset=%r" % (meta.get("beta"), meta.get("step"), meta.get("dataset")))
    notstr = [k for k, v in meta.items() if not isinstance(v, str)]
    check("%s: metadata values are strings" % tag, not notstr, str(notstr) if notstr else "")


def check_decode(tag, model, path):
    worst = 0.0
    errs = []
    for zs in Z_POINTS:
        rc, out, err = run([VAE, "decode", "--model", path, "--z", zs])
        if rc != 0:
            errs.append("decode --z %s: status %d: %s" % (zs, rc, err.strip()[:200]))
            continue
        try:
            rows = [[float(v) for v in line.split(",")] for line in out.splitlines() if line.strip()]
            ours = np.array(rows, dtype=np.float64)
        except ValueError as e:
            errs.append("decode --z %s: unparsable output (%s)" % (zs, e))
            continue
        if ours.shape != (28, 28):
            errs.append("decode --z %s: output shape %s, want 28x28" % (zs, ours.shape))
            continue
        theirs = ref.decode_probs(model, [[float(v) for v in zs.split(",")]])[0].reshape(28, 28)
        worst = max(worst, float(np.abs(ours - theirs).max()))
    ok = not errs and worst <= DECODE_ATOL
    check("%s: vae decode vs torch sigmoid(decoder(z)), %d points" % (tag, len(Z_POINTS)), ok,
          "; ".join(errs) if errs else "max abs diff %.2e (tol %.0e)" % (worst, DECODE_ATOL))


def check_encode(tag, model, path, data, kind, te_img, te_lab):
    csv = os.path.join(TMP, "crosscheck-%s.csv" % tag.replace(" ", "-"))
    rc, out, err = run([VAE, "encode", "--data", data, "--model", path, "--out", csv])
    if not check("%s: vae encode runs" % tag, rc == 0 and os.path.exists(csv),
                 "status %d: %s" % (rc, err.strip()[:200]) if rc != 0 else ""):
        return
    rows = []
    header = None
    with open(csv) as f:
        for line in f:
            fields = line.strip().split(",")
            if not line.strip():
                continue
            try:
                rows.append([float(v) for v in fields])
            except ValueError:
                if header is None and not rows:
                    header = fields
                    continue
                check("%s: encode CSV parses" % tag, False, "bad line %r" % line[:80])
                return
    arr = np.array(rows, dtype=np.float64)
    n = len(te_img)
    ok = arr.ndim == 2 and arr.shape == (n, 6)
    check("%s: encode CSV has %d rows x 6 columns" % (tag, n), ok,
          "shape %s, header %s" % (arr.shape, header))
    if not ok:
        return
    idx_ok = np.array_equal(arr[:, 0].astype(np.int64), np.arange(n))
    lab_ok = np.array_equal(arr[:, 1].astype(np.int64), te_lab.astype(np.int64))
    check("%s: encode CSV index and label columns" % tag, idx_ok and lab_ok,
          "index ok=%s label ok=%s" % (idx_ok, lab_ok))
    with torch.no_grad():
        mu, logvar = model.encode(ref.to_float(te_img))
    theirs = np.concatenate([mu.numpy(), logvar.numpy()], axis=1).astype(np.float64)
    ours = arr[:, 2:6]
    rel = np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))
    check("%s: vae encode mu/logvar vs torch encoder, %d images" % (tag, n),
          float(rel.max()) <= ENCODE_RTOL,
          "max |diff|/max(1,|torch|) = %.2e (tol %.0e), max abs diff %.2e"
          % (rel.max(), ENCODE_RTOL, np.abs(ours - theirs).max()))
    if kind == "ae":
        check("%s: ae logvar columns are zero" % tag, float(np.abs(ours[:, 2:]).max()) == 0.0)


def sampling_tolerance(model, te_img, te_lab):
    """Two independent one-sample neg_elbo estimates differ by sampling noise: estimate its
    spread from 5 torch evaluations with different seeds; tolerance = 5 sigma * sqrt(2),
    plus the 2-decimal print rounding."""
    vals = [ref.evaluate(model, te_img, te_lab, seed=s)["neg_elbo"] for s in range(5)]
    sigma = float(np.std(vals, ddof=1))
    return 5.0 * sigma * math.sqrt(2.0) + 0.02, vals


def check_eval(tag, model, path, data, kind, te_img, te_lab):
    rc, out, err = run([VAE, "eval", "--data", data, "--model", path])
    ours = kv_line(out) if rc == 0 else None
    if not check("%s: vae eval runs and prints neg_elbo= recon= kl=" % tag,
                 ours is not None and all(k in ours for k in ("neg_elbo", "recon", "kl")),
                 "status %d: %s" % (rc, (err or out).strip()[:200])):
        return
    t = ref.evaluate(model, te_img, te_lab, seed=0)
    if kind == "ae":
        # deterministic (z = mu): equal up to float summation and the 2-decimal print
        tol = 0.02 + 1e-5 * abs(t["recon"])
        check("%s: vae eval recon vs torch (ae, deterministic)" % tag,
              abs(ours["recon"] - t["recon"]) <= tol and abs(ours["kl"]) <= 0.005
              and abs(ours["neg_elbo"] - t["neg_elbo"]) <= tol,
              "ours neg_elbo=%.3f recon=%.3f kl=%.3f, torch recon=%.3f (tol %.3f)"
              % (ours["neg_elbo"], ours["recon"], ours["kl"], t["recon"], tol))
    else:
        tol, vals = sampling_tolerance(model, te_img, te_lab)
        check("%s: vae eval neg_elbo vs torch (within sampling noise)" % tag,
              abs(ours["neg_elbo"] - t["neg_elbo"]) <= tol,
              "ours %.3f (recon %.3f kl %.3f), torch %.3f (recon %.3f kl %.3f), tol %.3f"
              % (ours["neg_elbo"], ours["recon"], ours["kl"], t["neg_elbo"], t["recon"], t["kl"], tol))
        check("%s: vae eval neg_elbo = recon + kl" % tag,
              abs(ours["neg_elbo"] - ours["recon"] - ours["kl"]) <= 0.015,
              "%.2f vs %.2f + %.2f" % (ours["neg_elbo"], ours["recon"], ours["kl"]))


PCA_LATENTS = (2, 8)
PCA_COS = 1 - 1e-6     # |cos| between our component and numpy's (the same up to sign)
PCA_RTOL = 1e-3        # reconstruction errors, relative


def check_pca(data, te_img):
    """`vae train --kind pca` against numpy's PCA (SVD of the centred training split): the
    components up to sign, the mean, and the test split's reconstruction errors (vae eval's
    mse and bce, the Bernoulli figure on values clipped into (1e-4, 1 - 1e-4))."""
    tr_img, _, _, _ = ref.load_split(data, "train")
    x = tr_img.astype(np.float64) / 255
    mean = x.mean(0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    xt = te_img.astype(np.float64) / 255
    for k in PCA_LATENTS:
        tag = "C pca latent %d" % k
        path = os.path.join(TMP, "crosscheck-pca-%d.safetensors" % k)
        rc, out, err = run([VAE, "train", "--kind", "pca", "--latent", str(k), "--data", data,
                            "--out", path])
        if not check("%s: vae train --kind pca" % tag, rc == 0 and os.path.exists(path),
                     "status %d: %s" % (rc, err.strip()[-300:]) if rc != 0 else err.strip().splitlines()[0]):
            continue
        tensors, meta = ref.st_read(path)
        shapes = {n: tuple(v.shape) for n, v in tensors.items()}
        want = {"enc.mu.weight": (k, 784), "enc.mu.bias": (k,), "dec.0.weight": (784, k),
                "dec.0.bias": (784,)}
        check("%s: tensors and metadata of a linear AE" % tag,
              shapes == want and meta.get("kind") == "pca" and meta.get("hidden") == "none",
              "%s %s/%s" % (shapes, meta.get("kind"), meta.get("hidden")))
        comp = tensors["enc.mu.weight"].astype(np.float64)
        cos = np.abs((comp * vt[:k]).sum(1))
        check("%s: components = numpy's up to sign" % tag, cos.min() > PCA_COS,
              "min |cos| %.9f" % cos.min())
        check("%s: dec.0 = enc.mu transposed, dec.0.bias = the mean" % tag,
              np.array_equal(tensors["dec.0.weight"].T, tensors["enc.mu.weight"])
              and np.abs(tensors["dec.0.bias"] - mean).max() < 1e-6)
        c = vt[:k]
        rec = mean + ((xt - mean) @ c.T) @ c
        mse = ((rec - xt) ** 2).sum(1).mean()
        p = np.clip(rec, 1e-4, 1 - 1e-4)
        bce = -(xt * np.log(p) + (1 - xt) * np.log(1 - p)).sum(1).mean()
        rc, out, err = run([VAE, "eval", "--model", path, "--data", data])
        ours = kv_line(out) or {}
        ok = rc == 0 and "mse" in ours and "bce" in ours
        check("%s: vae eval mse, bce = numpy's within %g relative" % (tag, PCA_RTOL),
              ok and abs(ours["mse"] - mse) <= PCA_RTOL * mse
              and abs(ours["bce"] - bce) <= PCA_RTOL * bce and ours.get("kl") == 0,
              "ours mse=%s bce=%s, numpy mse=%.3f bce=%.3f" % (ours.get("mse"), ours.get("bce"), mse,
                                                               bce))
        rc, out, err = run([VAE, "decode", "--model", path, "--z", ",".join(["1.5"] + ["-0.5"] * (k - 1))])
        got = np.array([float(v) for v in out.replace(",", " ").split()]) if rc == 0 else None
        z = np.array([1.5] + [-0.5] * (k - 1))
        want_px = np.clip(tensors["dec.0.bias"] + tensors["dec.0.weight"].astype(np.float64) @ z, 0, 1)
        check("%s: vae decode = mean + C z, clipped into [0, 1]" % tag,
              got is not None and got.shape == (784,) and np.abs(got - want_px).max() < 1e-5,
              err.strip()[:200])


def main():
    os.makedirs(TMP, exist_ok=True)
    data = os.environ.get("VAE_DATA_DIR") or os.path.join(ROOT, "data", "mnist")
    if not have_idx(data):
        if have_idx(FASHION):
            print("note: no IDX data in %s; using %s" % (data, FASHION))
            data = FASHION
        else:
            check("IDX data present", False, "neither %s nor %s" % (data, FASHION))
            return finish()
    if not check("vae binary present", os.access(VAE, os.X_OK), VAE):
        return finish()
    te_img, te_lab, rows, cols = ref.load_split(data, "t10k")
    print("data %s: %d test images %dx%d" % (data, len(te_img), rows, cols), flush=True)

    # ---- forward: checkpoints made by `vae train` ----
    for kind, arch in (("vae", "mlp"), ("ae", "mlp"), ("vae", "conv"), ("ae", "conv")):
        tag = "C %s%s" % (kind, " conv" if arch == "conv" else "")
        path = os.path.join(TMP, "crosscheck-c-%s-%s.safetensors" % (kind, arch))
        if os.path.exists(path):
            os.unlink(path)
        rc, out, err = run([VAE, "train", "--data", data, "--kind", kind, "--arch", arch,
                            "--epochs", "1", "--seed", "1", "--out", path])
        if not check("%s: vae train --epochs 1 --seed 1" % tag, rc == 0 and os.path.exists(path),
                     "status %d: %s" % (rc, err.strip()[-300:]) if rc != 0 else ""):
            continue
        model, meta = load_strict(tag, path, kind, arch)
        check_meta(tag, meta, kind, epoch=1, seed=1, arch=arch)
        if model is None:
            continue
        check_decode(tag, model, path)
        check_encode(tag, model, path, data, kind, te_img, te_lab)
        check_eval(tag, model, path, data, kind, te_img, te_lab)

    # ---- reverse: checkpoints made by torch_ref.py ----
    for kind, arch in (("vae", "mlp"), ("ae", "mlp"), ("vae", "conv")):
        tag = "torch %s%s" % (kind, " conv" if arch == "conv" else "")
        path = os.path.join(TMP, "crosscheck-torch-%s-%s.safetensors" % (kind, arch))
        if os.path.exists(path):
            os.unlink(path)
        rc, out, err = run([sys.executable, os.path.join(ROOT, "scripts", "torch_ref.py"), "train",
                            "--data", data, "--kind", kind, "--arch", arch, "--epochs", "1",
                            "--steps", "200", "--train-limit", "4000", "--seed", "3", "--quiet",
                            "--out", path])
        if not check("%s: torch_ref.py train --steps 200" % tag, rc == 0 and os.path.exists(path),
                     "status %d: %s" % (rc, err.strip()[-300:]) if rc != 0 else out.strip()):
            continue
        model, meta = load_strict(tag, path, kind, arch)
        check_meta(tag, meta, kind, seed=3, arch=arch)
        if model is None:
            continue
        rc, out, err = run([sys.executable, os.path.join(ROOT, "scripts", "torch_ref.py"), "eval",
                            "--data", data, "--model", path])
        t = kv_line(out)
        check("%s: torch_ref.py eval prints the eval line" % tag, rc == 0 and t is not None,
              out.strip() if rc == 0 else err.strip()[:200])
        check_eval(tag, model, path, data, kind, te_img, te_lab)
        check_decode(tag, model, path)
        check_encode(tag, model, path, data, kind, te_img, te_lab)

    # ---- PCA: against numpy ----
    check_pca(data, te_img)
    return finish()


def finish():
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
