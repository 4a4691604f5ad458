#!/usr/bin/python3
"""PyTorch reference for vae-explorer: the yardstick the C implementation is measured against.

The same model (SPEC §4), loss, optimizer, data handling, evaluation and checkpoint format
(safetensors with the tensor names and metadata of SPEC §5) as the C library, written in
plain PyTorch so that any difference in quality or speed is ours to explain.

Run with Debian's Python (python3-torch): /usr/bin/python3 scripts/torch_ref.py CMD ...

    train  --data DIR --epochs N --seed S [--kind vae|ae|cvae] [--arch mlp|conv]
           [--hidden 512,256] [--latent 2] [--beta B] [--likelihood bernoulli|gaussian]
           [--batch 128] [--lr 1e-3] [--steps N] [--train-limit N] [--threads T]
           [--out F.safetensors]
    eval   --data DIR --model F.safetensors [--seed S]
    decode --model F.safetensors --z X,Y [--label L]
    bench  [--batch 128] [--seconds S] [--threads T] [--arch mlp|conv]

--arch conv is Keras's convolutional VAE (model.h of the C library): Conv2d 1->32->64 (3x3,
stride 2, pad 1) before the dense layers, ConvTranspose2d 64->64->32 (stride 2, pad 1,
output pad 1) -> 1 (stride 1) after the decoder's one dense layer; --hidden defaults to 16.

Only numpy, torch and the standard library are used; nothing is downloaded.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT = "vae-explorer/1"
LOGVAR_MIN, LOGVAR_MAX = -30.0, 20.0


def _openblas():
    try:
        import ctypes
        ob = ctypes.CDLL("libopenblas.so.0")  # the same instance torch's libblas.so.3 uses
        ob.openblas_get_num_threads()
        return ob
    except (OSError, AttributeError):
        return None


def set_threads(t, blas=None):
    """Thread counts for torch's intra-op pool (t) and for the BLAS it calls (blas, default
    t): Debian's torch does its GEMMs in OpenBLAS (pthread build), whose pool
    torch.set_num_threads does not control. Returns the OpenBLAS count in effect (0 if
    unknown)."""
    torch.set_num_threads(int(t))
    ob = _openblas()
    if ob is None:
        return 0
    ob.openblas_set_num_threads(int(t if blas is None else blas))
    return int(ob.openblas_get_num_threads())


def die(msg, status=2):
    print("torch_ref: " + msg, file=sys.stderr)
    sys.exit(status)


# ---- data: IDX files, plain or gzip (by content) ---------------------------------------

def _read_maybe_gz(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw


def read_idx_images(path):
    raw = _read_maybe_gz(path)
    if len(raw) < 16:
        die("%s: too short for an IDX image header" % path)
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 0x00000803:
        die("%s: bad magic 0x%08x (want 0x00000803)" % (path, magic))
    if len(raw) != 16 + n * rows * cols:
        die("%s: size %d != header + %d x %d x %d" % (path, len(raw), n, rows, cols))
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows * cols), rows, cols


def read_idx_labels(path):
    raw = _read_maybe_gz(path)
    if len(raw) < 8:
        die("%s: too short for an IDX label header" % path)
    magic, n = struct.unpack(">II", raw[:8])
    if magic != 0x00000801:
        die("%s: bad magic 0x%08x (want 0x00000801)" % (path, magic))
    if len(raw) != 8 + n:
        die("%s: size %d != header + %d" % (path, len(raw), n))
    return np.frombuffer(raw, dtype=np.uint8, offset=8).copy()


def _find(d, base):
    for name in (base, base + ".gz"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    die("%s: no %s[.gz]" % (d, base))


def load_split(d, prefix):
    """prefix 'train' or 't10k' -> (uint8 images (n, rows*cols), uint8 labels (n), rows, cols)."""
    img, rows, cols = read_idx_images(_find(d, prefix + "-images-idx3-ubyte"))
    lab = read_idx_labels(_find(d, prefix + "-labels-idx1-ubyte"))
    if len(img) != len(lab):
        die("%s: %d %s images but %d labels" % (d, len(img), prefix, len(lab)))
    return img, lab, rows, cols


def dataset_name(d):
    base = os.path.basename(os.path.normpath(d))
    if "fashion" in base:
        return "fashion"
    return base or "data"


def to_float(u8):
    """uint8 images -> float32 in [0, 1] (x / 255), like the C library's batches."""
    return torch.from_numpy(np.asarray(u8, dtype=np.float32) / np.float32(255.0))


# ---- the model: state_dict keys are exactly the checkpoint names of SPEC §5 -------------

class Cfg:
    def __init__(self, kind="vae", latent=2, hidden=(512, 256), input_hw=(28, 28), classes=10,
                 likelihood="bernoulli", arch="mlp"):
        self.kind = kind
        self.arch = arch
        self.latent = int(latent)
        self.hidden = tuple(int(h) for h in hidden)
        self.input_hw = tuple(int(v) for v in input_hw)
        self.classes = int(classes)
        self.likelihood = likelihood

    @property
    def n_in(self):
        return self.input_hw[0] * self.input_hw[1]

    @property
    def feat_shape(self):
        """What the dense trunk reads: (pixels,) or the conv features (64, H/4, W/4)."""
        if self.arch == "conv":
            return (64, self.input_hw[0] // 4, self.input_hw[1] // 4)
        return (self.n_in,)

    @property
    def feat(self):
        return int(np.prod(self.feat_shape))


class VAE(nn.Module):
    """enc.0 .. enc.{n-1}: trunk (ReLU), enc.mu / enc.logvar heads; dec.0 .. dec.n (last = logits).

    For ae there is no enc.logvar. For cvae the one-hot label is appended after the data
    (encoder input) and after z (decoder input)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        c = cfg.classes if cfg.kind == "cvae" else 0
        conv = cfg.arch == "conv"
        self.enc = nn.Module()
        if conv:
            self.enc.conv = nn.ModuleList([nn.Conv2d(1, 32, 3, 2, 1), nn.Conv2d(32, 64, 3, 2, 1)])
        prev = cfg.feat + c
        for i, h in enumerate(cfg.hidden):
            self.enc.add_module(str(i), nn.Linear(prev, h))
            prev = h
        self.enc.add_module("mu", nn.Linear(prev, cfg.latent))
        if cfg.kind != "ae":
            self.enc.add_module("logvar", nn.Linear(prev, cfg.latent))
        self.dec = nn.Module()
        prev = cfg.latent + c
        dec_hidden = () if conv else tuple(reversed(cfg.hidden))
        for i, h in enumerate(dec_hidden):
            self.dec.add_module(str(i), nn.Linear(prev, h))
            prev = h
        self.dec.add_module(str(len(dec_hidden)), nn.Linear(prev, cfg.feat))
        if conv:
            self.dec.conv = nn.ModuleList([
                nn.ConvTranspose2d(64, 64, 3, 2, 1, output_padding=1),
                nn.ConvTranspose2d(64, 32, 3, 2, 1, output_padding=1),
                nn.ConvTranspose2d(32, 1, 3, 1, 1)])

    def _onehot(self, y, n):
        return F.one_hot(y.long(), self.cfg.classes).to(torch.float32) if n else None

    def encode(self, x, y=None):
        """-> mu, logvar (clamped; zeros for ae)."""
        h = x
        if self.cfg.arch == "conv":
            h = h.reshape(x.shape[0], 1, *self.cfg.input_hw)
            for layer in self.enc.conv:
                h = F.relu(layer(h))
            h = h.flatten(1)
        if self.cfg.kind == "cvae":
            h = torch.cat([h, self._onehot(y, 1)], dim=1)
        for i in range(len(self.cfg.hidden)):
            h = F.relu(getattr(self.enc, str(i))(h))
        mu = self.enc.mu(h)
        if self.cfg.kind == "ae":
            return mu, torch.zeros_like(mu)
        logvar = torch.clamp(self.enc.logvar(h), LOGVAR_MIN, LOGVAR_MAX)
        return mu, logvar

    def decode(self, z, y=None):
        """-> logits (B, n_in)."""
        h = z
        if self.cfg.kind == "cvae":
            h = torch.cat([z, self._onehot(y, 1)], dim=1)
        if self.cfg.arch == "conv":
            h = F.relu(getattr(self.dec, "0")(h)).reshape(z.shape[0], *self.cfg.feat_shape)
            for i, layer in enumerate(self.dec.conv):
                h = layer(h)
                if i < len(self.dec.conv) - 1:
                    h = F.relu(h)
            return h.flatten(1)
        n = len(self.cfg.hidden)
        for i in range(n):
            h = F.relu(getattr(self.dec, str(i))(h))
        return getattr(self.dec, str(n))(h)

    def losses(self, x, y=None, generator=None):
        """Per-sample recon and kl (B,), one z sample (z = mu for ae)."""
        mu, logvar = self.encode(x, y)
        if self.cfg.kind == "ae":
            z = mu
            kl = torch.zeros(x.shape[0], dtype=x.dtype)
        else:
            eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * eps
            kl = -0.5 * torch.sum(1.0 + logvar - mu * mu - torch.exp(logvar), dim=1)
        logits = self.decode(z, y)
        if self.cfg.likelihood == "gaussian":
            recon = torch.sum((torch.sigmoid(logits) - x) ** 2, dim=1)
        else:
            recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
        return recon, kl


# ---- safetensors (stdlib json + numpy) --------------------------------------------------

def st_write(path, tensors, metadata):
    """tensors: list of (name, float32 ndarray) in file order; metadata: dict str -> str.
    Atomic: temp file in the same directory, fsync, rename."""
    header = {}
    off = 0
    blobs = []
    for name, arr in tensors:
        a = np.ascontiguousarray(arr, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        off += a.nbytes
        blobs.append(a.tobytes())
    header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hj = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hj += b" " * ((8 - len(hj) % 8) % 8)  # pad with spaces like the safetensors library
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".torch_ref.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(hj)))
            f.write(hj)
            for b in blobs:
                f.write(b)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def st_read(path):
    """-> (dict name -> float32 ndarray, metadata dict). Validates the layout."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        die("%s: file shorter than 8 bytes" % path)
    (n,) = struct.unpack("<Q", raw[:8])
    if n > 100 * 1024 * 1024 or 8 + n > len(raw):
        die("%s: header length %d out of range" % (path, n))
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        die("%s: header is not JSON (%s)" % (path, e))
    if not isinstance(header, dict):
        die("%s: header is not a JSON object" % path)
    meta = header.pop("__metadata__", {}) or {}
    data = raw[8 + n:]
    spans = []
    out = {}
    for name, t in header.items():
        dt = {"F32": "<f4", "F16": "<f2"}.get(t.get("dtype"))
        if dt is None:
            die("%s: tensor %s has unsupported dtype %r" % (path, name, t.get("dtype")))
        shape = [int(s) for s in t["shape"]]
        b, e = (int(v) for v in t["data_offsets"])
        count = int(np.prod(shape)) if shape else 1
        if e - b != count * np.dtype(dt).itemsize or b < 0 or e > len(data):
            die("%s: tensor %s: bad data_offsets %r for shape %r" % (path, name, [b, e], shape))
        spans.append((b, e, name))
        out[name] = np.frombuffer(data, dtype=dt, count=count, offset=b).astype(np.float32).reshape(shape)
    pos = 0
    for b, e, name in sorted(spans):
        if b != pos:
            die("%s: tensor %s: data not contiguous (starts at %d, expected %d)" % (path, name, b, pos))
        pos = e
    if pos != len(data):
        die("%s: data section is %d bytes but tensors cover %d" % (path, len(data), pos))
    return out, meta


def cfg_from_meta(meta, path="checkpoint"):
    try:
        if meta.get("format") != FORMAT:
            die("%s: format %r is not %s" % (path, meta.get("format"), FORMAT))
        if int(meta.get("flows", "0")) != 0:
            die("%s: planar flows are not in the torch reference" % path)
        if meta.get("activation", "relu") != "relu":
            die("%s: activation %r is not supported" % (path, meta.get("activation")))
        hidden = tuple(int(v) for v in meta["hidden"].split(","))
        hw = tuple(int(v) for v in meta["input"].split(","))
        return Cfg(kind=meta["kind"], latent=int(meta["latent"]), hidden=hidden, input_hw=hw,
                   classes=int(meta.get("classes", "10")),
                   likelihood=meta.get("likelihood", "bernoulli"), arch=meta.get("arch", "mlp"))
    except (KeyError, ValueError) as e:
        die("%s: bad or missing metadata (%s)" % (path, e))


def load_model(path):
    """Our safetensors checkpoint -> (VAE model with strict state_dict loading, metadata)."""
    tensors, meta = st_read(path)
    cfg = cfg_from_meta(meta, path)
    model = VAE(cfg)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    model.eval()
    return model, meta


def save_model(path, model, meta):
    sd = model.state_dict()
    st_write(path, [(k, v.detach().cpu().numpy()) for k, v in sd.items()], meta)


def make_meta(cfg, beta, dataset, epoch, step, seed):
    return {
        "format": FORMAT, "kind": cfg.kind, "latent": str(cfg.latent),
        "hidden": ",".join(str(h) for h in cfg.hidden),
        "input": "%d,%d" % cfg.input_hw, "classes": str(cfg.classes),
        "likelihood": cfg.likelihood, "activation": "relu", "beta": repr(float(beta)),
        "dataset": dataset, "epoch": str(epoch), "step": str(step), "seed": str(seed),
        "arch": cfg.arch, "flows": "0",
    }


# ---- evaluation ------------------------------------------------------------------------

@torch.no_grad()
def evaluate(model, images_u8, labels, seed=0, batch=1000):
    """Whole split, one z sample per image -> dict of per-image means (nats)."""
    g = torch.Generator().manual_seed(seed)
    model.eval()
    rs, ks, mus = [], [], []
    for i in range(0, len(images_u8), batch):
        x = to_float(images_u8[i:i + batch])
        y = torch.from_numpy(labels[i:i + batch].astype(np.int64))
        r, k = model.losses(x, y, generator=g)
        rs.append(r.double())
        ks.append(k.double())
        mus.append(model.encode(x, y)[0].double())
    r = torch.cat(rs)
    k = torch.cat(ks)
    mu = torch.cat(mus)
    active = int((mu.var(dim=0, unbiased=False) > 0.01).sum()) if len(mu) > 1 else 0
    return {"n": len(r), "neg_elbo": float((r + k).mean()), "recon": float(r.mean()),
            "kl": float(k.mean()), "active_units": active}


def eval_line(s):
    return "neg_elbo=%.2f recon=%.2f kl=%.2f active_units=%d n=%d" % (
        s["neg_elbo"], s["recon"], s["kl"], s["active_units"], s["n"])


# ---- training --------------------------------------------------------------------------

def train(cfg, images_u8, labels, epochs, seed, beta=1.0, batch=128, lr=1e-3, steps=None,
          log=None):
    """Adam(lr, (0.9, 0.999), 1e-8), batch 128, fresh shuffle each epoch; loss per batch =
    (sum recon + beta * sum kl) / B. Returns (model, epochs_done, steps_done)."""
    torch.manual_seed(seed)
    model = VAE(cfg)  # PyTorch-default init from the seed
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    g = torch.Generator().manual_seed(seed + 1)
    n = len(images_u8)
    step = 0
    ep = 0
    max_epochs = epochs if steps is None else max(epochs, math.ceil(steps / math.ceil(n / batch)))
    model.train()
    for ep in range(max_epochs):
        perm = torch.randperm(n, generator=g).numpy()
        tot = rec = kls = 0.0
        seen = 0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            x = to_float(images_u8[idx])
            y = torch.from_numpy(labels[idx].astype(np.int64))
            r, k = model.losses(x, y, generator=g)
            loss = (r.sum() + beta * k.sum()) / x.shape[0]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            b = x.shape[0]
            tot += float(loss) * b
            rec += float(r.sum())
            kls += float(k.sum())
            seen += b
            if steps is not None and step >= steps:
                break
        if log:
            log("epoch %d/%d step %d loss=%.2f recon=%.2f kl=%.2f" % (
                ep + 1, max_epochs, step, tot / seen, rec / seen, kls / seen))
        if steps is not None and step >= steps:
            break
    model.eval()
    return model, ep + 1, step


# ---- commands --------------------------------------------------------------------------

def parse_hidden(s):
    try:
        h = tuple(int(v) for v in s.split(","))
        if not h or min(h) < 1:
            raise ValueError
        return h
    except ValueError:
        die("--hidden: want comma-separated positive sizes like 512,256, got %r" % s)


def cmd_train(a):
    if a.threads:
        set_threads(a.threads)
    tr_img, tr_lab, rows, cols = load_split(a.data, "train")
    te_img, te_lab, _, _ = load_split(a.data, "t10k")
    if a.train_limit:
        tr_img, tr_lab = tr_img[:a.train_limit], tr_lab[:a.train_limit]
    classes = max(int(tr_lab.max()), int(te_lab.max())) + 1
    hidden = parse_hidden(a.hidden or ("16" if a.arch == "conv" else "512,256"))
    cfg = Cfg(kind=a.kind, latent=a.latent, hidden=hidden, input_hw=(rows, cols),
              classes=classes, likelihood=a.likelihood, arch=a.arch)
    log = (lambda m: print(m, file=sys.stderr)) if not a.quiet else None
    t0 = time.time()
    model, epochs, steps = train(cfg, tr_img, tr_lab, a.epochs, a.seed, beta=a.beta,
                                 batch=a.batch, lr=a.lr, steps=a.steps, log=log)
    if log:
        log("trained %d steps in %.1f s (%d threads)" % (steps, time.time() - t0,
                                                          torch.get_num_threads()))
    if a.out:
        save_model(a.out, model, make_meta(cfg, a.beta, dataset_name(a.data), epochs, steps, a.seed))
    print(eval_line(evaluate(model, te_img, te_lab, seed=a.eval_seed)))


def cmd_eval(a):
    if a.threads:
        set_threads(a.threads)
    model, _ = load_model(a.model)
    te_img, te_lab, rows, cols = load_split(a.data, "t10k")
    if rows * cols != model.cfg.n_in:
        die("%s: images are %dx%d but the model wants %d pixels" % (a.data, rows, cols, model.cfg.n_in))
    print(eval_line(evaluate(model, te_img, te_lab, seed=a.seed)))


def parse_z(s, latent):
    try:
        z = [float(v) for v in s.split(",")]
    except ValueError:
        die("--z: want %d comma-separated numbers, got %r" % (latent, s))
    if len(z) != latent:
        die("--z: the model has %d latent dimensions, got %d values" % (latent, len(z)))
    return z


@torch.no_grad()
def decode_probs(model, zs, label=None):
    """zs: list of latent vectors -> (len, n_in) float32 probabilities."""
    z = torch.tensor(zs, dtype=torch.float32)
    y = torch.full((len(zs),), int(label or 0), dtype=torch.int64)
    return torch.sigmoid(model.decode(z, y)).numpy()


def cmd_decode(a):
    model, _ = load_model(a.model)
    if model.cfg.kind == "cvae" and a.label is None:
        die("--label: needed for a cvae model")
    p = decode_probs(model, [parse_z(a.z, model.cfg.latent)], a.label)[0]
    h, w = model.cfg.input_hw
    p = p.reshape(h, w)
    sys.stdout.write("".join(",".join("%.8g" % v for v in row) + "\n" for row in p))


def bench_once(torch_threads, blas_threads, batch, seconds, warmup_s, arch="mlp"):
    """Training samples/s of the reference config on random-uniform [0, 1] data."""
    set_threads(torch_threads, blas_threads)
    torch.manual_seed(0)
    cfg = Cfg(arch=arch, hidden=(16,) if arch == "conv" else (512, 256))
    model = VAE(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    pool = [torch.rand(batch, cfg.n_in) for _ in range(8)]

    def step(i):
        x = pool[i % len(pool)]
        r, k = model.losses(x)
        loss = (r.sum() + k.sum()) / batch
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    i = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < warmup_s or i < 5:
        step(i)
        i += 1
    n = 0
    t0 = time.perf_counter()
    while True:
        step(n)
        n += 1
        dt = time.perf_counter() - t0
        if dt >= seconds:
            break
    return n * batch / dt


def cmd_bench(a):
    """threads=T means T cores: every split of them between torch's intra-op pool and
    OpenBLAS's pool with max(torch, blas) == T is tried (the two pools contend when both
    are > 1), and the best is reported. Without --threads, T = 1 and 2."""
    totals = [a.threads] if a.threads else [1, 2]
    if _openblas() is None:
        configs = [(t, t, t) for t in totals]
    else:
        configs = [(t, tt, bt) for t in totals for tt in range(1, t + 1) for bt in range(1, t + 1)
                   if max(tt, bt) == t]
    best = None
    for t, tt, bt in configs:
        sps = bench_once(tt, bt, a.batch, a.seconds, a.warmup, a.arch)
        print("threads=%d torch_threads=%d blas_threads=%d samples_per_s=%.1f" % (t, tt, bt, sps),
              file=sys.stderr)
        if best is None or sps > best[0]:
            best = (sps, t, tt, bt)
    print("samples_per_s=%.1f threads=%d batch=%d torch_threads=%d blas_threads=%d arch=%s"
          % (best[0], best[1], a.batch, best[2], best[3], a.arch))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    # let `--z -1.5,2` through argparse (it would take -1.5,2 for an option)
    for i in range(len(argv) - 1):
        if argv[i] == "--z":
            argv[i:i + 2] = ["--z=" + argv[i + 1]]
            break
    p = argparse.ArgumentParser(prog="torch_ref.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train the reference model, print the test eval line")
    t.add_argument("--data", required=True)
    t.add_argument("--epochs", type=int, default=30)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--kind", choices=["vae", "ae", "cvae"], default="vae")
    t.add_argument("--arch", choices=["mlp", "conv"], default="mlp")
    t.add_argument("--hidden", default=None, help="default 512,256 (conv: 16)")
    t.add_argument("--latent", type=int, default=2)
    t.add_argument("--beta", type=float, default=1.0)
    t.add_argument("--likelihood", choices=["bernoulli", "gaussian"], default="bernoulli")
    t.add_argument("--batch", type=int, default=128)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--steps", type=int, default=None, help="stop after this many steps")
    t.add_argument("--train-limit", type=int, default=0, help="use only the first N training images")
    t.add_argument("--threads", type=int, default=0)
    t.add_argument("--eval-seed", type=int, default=0)
    t.add_argument("--out", default=None)
    t.add_argument("--quiet", action="store_true")

    e = sub.add_parser("eval", help="evaluate a checkpoint on the test split")
    e.add_argument("--data", required=True)
    e.add_argument("--model", required=True)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--threads", type=int, default=0)

    d = sub.add_parser("decode", help="print the 28x28 probabilities for one z")
    d.add_argument("--model", required=True)
    d.add_argument("--z", required=True)
    d.add_argument("--label", type=int, default=None)

    b = sub.add_parser("bench", help="training samples/s of the reference config")
    b.add_argument("--batch", type=int, default=128)
    b.add_argument("--seconds", type=float, default=10.0)
    b.add_argument("--warmup", type=float, default=1.0)
    b.add_argument("--threads", type=int, default=0)
    b.add_argument("--arch", choices=["mlp", "conv"], default="mlp")

    a = p.parse_args(argv)
    {"train": cmd_train, "eval": cmd_eval, "decode": cmd_decode, "bench": cmd_bench}[a.cmd](a)


if __name__ == "__main__":
    main()
