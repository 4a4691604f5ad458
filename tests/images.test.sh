#!/usr/bin/env bash
# The user's own images through the `vae` commands (issue 14), on MNIST and the pretrained
# models: inpainting the lower half (reconstruct --mask --iters), denoising (--noise),
# PNG digits drawn on paper, scaled and moved (encode --image), drawn strokes centred
# (reconstruct --image), and per-image scores (eval --per-image). The same properties as
# tests/test_images.c, seen from the command line; figures are printed for the record.
# Env: VAE_BUILD (build dir), VAE_DATA_DIR (MNIST IDX), VAE_TMP (scratch).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export VAE=${VAE_BUILD:-build}/vae DATA=${VAE_DATA_DIR:-data/mnist}
export M=models/mnist-vae.safetensors AE=models/mnist-ae.safetensors
export OPENBLAS_NUM_THREADS=1 # one image at a time
[ -x "$VAE" ] || { echo "images: $VAE not built" >&2; exit 1; }
W=$(mktemp -d "${VAE_TMP:-/tmp}/images.XXXXXX")
export W
trap 'rm -rf "$W"' EXIT
# Test digits inpainted (two commands each): the VAE's gain over one pass is a few percent,
# so it takes many digits to show; the AE's is large.
N_VAE=${N_VAE:-1000}
N_AE=${N_AE:-300}

pass=0
fail=0
# check DESCRIPTION -- COMMAND...: the command's stdout is the figure line, its status the verdict.
check() {
    local desc=$1
    shift 2
    local out
    if out=$("$@" 2>&1); then
        pass=$((pass + 1))
        printf 'ok   %-52s %s\n' "$desc" "$out"
    else
        fail=$((fail + 1))
        printf 'FAIL %-52s\n%s\n' "$desc" "$(printf '%s' "$out" | sed 's/^/     | /')"
    fi
}

# ---- inpainting the lower half --------------------------------------------------------
inpaint() { # MODEL NAME N: one pass and 10 iterations on the first N test digits
    seq 0 $(($3 - 1)) | xargs -P2 -I{} sh -c '
        "$VAE" reconstruct --model "$1" --data "$DATA" --index {} --mask 0,14,28,28 >"$W/$2-one.{}" &&
        "$VAE" reconstruct --model "$1" --data "$DATA" --index {} --mask 0,14,28,28 --iters 10 \
            --seed {} >"$W/$2-iter.{}"' sh "$1" "$2"
}
inpaint "$M" vae "$N_VAE" || fail=$((fail + 1))
inpaint "$AE" ae "$N_AE" || fail=$((fail + 1))
inpaint_errors() { # NAME N
    python3 - "$1" "$2" <<'EOF'
import os, sys
name, n = sys.argv[1], int(sys.argv[2])
W, data = os.environ["W"], os.environ["DATA"]
raw = open(os.path.join(data, "train-images-idx3-ubyte"), "rb").read()[16:]
count = len(raw) // 784
mean = [sum(raw[i * 784 + p] for i in range(count)) / count / 255 for p in range(392, 784)]
e = {"one": 0.0, "iter": 0.0, "mean": 0.0}
kept = True
for i in range(n):
    for kind in ("one", "iter"):
        lines = open(f"{W}/{name}-{kind}.{i}").read().split("\n")
        clean, bad, fixed = ([float(v) for v in l.split(",")] for l in lines[:3])
        e[kind] += sum((fixed[p] - clean[p]) ** 2 for p in range(392, 784)) / n
        if kind == "iter":
            kept &= fixed[:392] == clean[:392]
            e["mean"] += sum((mean[p - 392] - clean[p]) ** 2 for p in range(392, 784)) / n
print(f"squared error per image on the 392 missing pixels of {n} digits: 10 iterations "
      f"{e['iter']:.2f}, one pass {e['one']:.2f}, mean image {e['mean']:.2f}")
sys.exit(0 if kept and e["iter"] < e["one"] and e["iter"] < e["mean"] else 1)
EOF
}
check "VAE inpainting beats one pass and the mean image" -- inpaint_errors vae "$N_VAE"
check "AE inpainting beats one pass and the mean image" -- inpaint_errors ae "$N_AE"

# ---- denoising --------------------------------------------------------------------------
denoise() { # NOISE: reconstructions of 200 noisy digits closer to the clean ones
    for i in $(seq 0 199); do
        "$VAE" reconstruct --model "$M" --data "$DATA" --index "$i" --noise "$1" --seed "$i" ||
            return 1
    done >"$W/denoise" && python3 - "$W/denoise" "$1" <<'EOF'
import math, sys
rows = [[float(v) for v in l.split(",")] for l in open(sys.argv[1]).read().split("\n") if l]
dn = df = 0.0
better = 0
for k in range(0, len(rows), 3):
    clean, bad, fixed = rows[k : k + 3]
    a = math.dist(bad, clean)
    b = math.dist(fixed, clean)
    dn, df, better = dn + a, df + b, better + (b < a)
n = len(rows) // 3
print(f"{sys.argv[2]}: L2 to the clean digit: noisy {dn / n:.2f}, reconstructed {df / n:.2f}, "
      f"closer for {better} of {n}")
sys.exit(0 if n == 200 and df < dn and better >= 0.9 * n else 1)
EOF
}
check "denoising Gaussian noise (sigma 0.5)" -- denoise gauss:0.5
check "denoising salt and pepper (p 0.2)" -- denoise sp:0.2

# ---- PNG digits: drawn on paper, scaled, moved ------------------------------------------
# 100 test digits as dark ink on light paper (grey or RGB PNGs), scaled 2 to 2.5 times by
# bilinear interpolation and moved; their codes against those of the digits themselves.
python3 - "$W" "$DATA" <<'EOF' || fail=$((fail + 1))
import math, struct, sys, zlib
W, data = sys.argv[1], sys.argv[2]
raw = open(f"{data}/t10k-images-idx3-ubyte", "rb").read()[16:]

def png(path, rows, rgb):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    w, h = len(rows[0]), len(rows)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2 if rgb else 0, 0, 0, 0)
    body = b"".join(b"\0" + bytes(v for g in r for v in ((g, g, g) if rgb else (g,))) for r in rows)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                           chunk(b"IDAT", zlib.compress(body)) + chunk(b"IEND", b""))

for i in range(100):
    x = [raw[i * 784 + p] / 255 for p in range(784)]
    scale, ox, oy, w, h = 2.0 + 0.12 * (i % 5), 5 + 7 * (i % 6), 3 + i % 4, 123, 97
    rows = []
    for Y in range(h):
        row = []
        for X in range(w):
            sx, sy = (X - ox + 0.5) / scale - 0.5, (Y - oy + 0.5) / scale - 0.5
            ix, iy, v = math.floor(sx), math.floor(sy), 0.0
            for dx in (0, 1):
                for dy in (0, 1):
                    px, py = ix + dx, iy + dy
                    if 0 <= px < 28 and 0 <= py < 28:
                        v += (sx - ix if dx else 1 - sx + ix) * (sy - iy if dy else 1 - sy + iy) * x[py * 28 + px]
            row.append(round(230 - 210 * v))
        rows.append(row)
    png(f"{W}/digit{i}.png", rows, i % 2 == 1)
EOF
png_codes() {
    "$VAE" encode --model "$M" --data "$DATA" --out "$W/codes.csv" || return 1
    for i in $(seq 0 99); do
        "$VAE" encode --model "$M" --image "$W/digit$i.png" || return 1
    done >"$W/png-codes" && python3 - "$W" <<'EOF'
import math, sys
W = sys.argv[1]
codes = [l.split(",") for l in open(f"{W}/codes.csv").read().split("\n")[1:101]]
orig = [(float(c[2]), float(c[3])) for c in codes]
got = [tuple(float(v) for v in l.split()[0][3:].split(",")) for l in open(f"{W}/png-codes") if l.strip()]
moved = [math.dist(a, b) for a, b in zip(orig, got)]
spread = sum(math.dist(orig[i], orig[(i + 1) % 100]) for i in range(100)) / 100
far = sum(d > 0.5 for d in moved)
print(f"the code moved {sum(moved) / 100:.3f} on average (codes of two test digits: {spread:.3f} "
      f"apart); {far} of 100 moved more than 0.5")
sys.exit(0 if len(got) == 100 and sum(moved) / 100 < 0.15 * spread and far <= 10 else 1)
EOF
}
check "PNG digits on paper encode to nearly their code" -- png_codes

# ---- strokes drawn anywhere land centred --------------------------------------------------
python3 - "$W" <<'EOF' || fail=$((fail + 1))
import math, struct, sys, zlib
W = sys.argv[1]

def png(path, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)
    body = b"".join(b"\0" + bytes(r) for r in rows)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                           chunk(b"IDAT", zlib.compress(body)) + chunk(b"IEND", b""))

def sheet(w, h, segments, r):  # black anti-aliased strokes on white
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            ink = 0.0
            for (x0, y0, x1, y1) in segments:
                dx, dy = x1 - x0, y1 - y0
                px, py = x + 0.5 - x0, y + 0.5 - y0
                t = max(0.0, min(1.0, (px * dx + py * dy) / (dx * dx + dy * dy)))
                ink = max(ink, min(1.0, max(0.0, r + 0.5 - math.hypot(px - t * dx, py - t * dy))))
            row.append(round(255 * (1 - ink)))
        rows.append(row)
    return rows

png(f"{W}/seven-corner.png", sheet(200, 150, [(8, 10, 60, 10), (60, 10, 30, 70)], 4))
png(f"{W}/one-right.png", sheet(200, 150, [(180, 80, 185, 140)], 3))
png(f"{W}/dash-low.png", sheet(120, 120, [(10, 110, 60, 110)], 2.5))
EOF
centred() { # PNG: the prepared image (first line of reconstruct) is centred and boxed
    "$VAE" reconstruct --model "$M" --image "$1" >"$W/centred" && python3 -c '
import sys
x = [float(v) for v in open(sys.argv[1]).readline().split(",")]
m = sum(x)
cx = sum(v * (p % 28) for p, v in enumerate(x)) / m
cy = sum(v * (p // 28) for p, v in enumerate(x)) / m
cols = [p % 28 for p, v in enumerate(x) if v > 0]
rows = [p // 28 for p, v in enumerate(x) if v > 0]
w, h = max(cols) - min(cols) + 1, max(rows) - min(rows) + 1
print(f"centre of mass ({cx:.2f}, {cy:.2f}), ink {w}x{h}")
ok = abs(cx - 14) <= 0.5 + 1e-6 and abs(cy - 14) <= 0.5 + 1e-6
ok &= max(w, h) in (19, 20) and w <= 20 and h <= 20
sys.exit(0 if ok else 1)' "$W/centred"
}
check "a 7 drawn in the top-left corner lands centred" -- centred "$W/seven-corner.png"
check "a 1 drawn at the right lands centred" -- centred "$W/one-right.png"
check "a dash drawn at the bottom lands centred" -- centred "$W/dash-low.png"

# ---- per-image scores -----------------------------------------------------------------------
per_image() {
    "$VAE" eval --model "$M" --data "$DATA" --iw 10 --per-image "$W/scores.csv" >"$W/eval.line" \
        2>"$W/eval.err" &&
        python3 - "$W/scores.csv" "$W/eval.line" <<'EOF'
import sys
rows = open(sys.argv[1]).read().split("\n")
line = dict(kv.split("=") for kv in open(sys.argv[2]).read().split())
assert rows[0] == "index,label,neg_elbo,recon,kl,iwae_nll", rows[0]
data = [[float(v) for v in r.split(",")] for r in rows[1:] if r]
n = len(data)
means = [sum(r[k] for r in data) / n for k in (2, 3, 4, 5)]
want = [float(line[k]) for k in ("neg_elbo", "recon", "kl", "iwae_nll")]
print(f"{n} rows; means {' '.join(f'{v:.2f}' for v in means)} = the eval line's")
ok = n == int(line["n"]) and all(abs(a - b) < 0.006 for a, b in zip(means, want))
ok &= all(r[0] == i and abs(r[2] - r[3] - r[4]) < 2e-4 for i, r in enumerate(data))
sys.exit(0 if ok else 1)
EOF
}
check "eval --per-image: one row per test image" -- per_image
scores() { # a digit is far likelier than noise
    python3 - "$W/noise.png" <<'EOF' || return 1
import random, struct, sys, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
rnd = random.Random(3)
body = b"".join(b"\0" + bytes(rnd.randrange(256) for _ in range(28)) for _ in range(28))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) +
                              chunk(b"IDAT", zlib.compress(body)) + chunk(b"IEND", b""))
EOF
    local d n
    d=$("$VAE" encode --model "$M" --image "$W/digit0.png" --iw 100) &&
        n=$("$VAE" encode --model "$M" --image "$W/noise.png" --iw 100) || return 1
    python3 - "$d" "$n" <<'EOF'
import sys
d, n = (dict(kv.split("=") for kv in a.split()) for a in sys.argv[1:3])
print(f"-log p(x): digit {d['iwae_nll']}, noise {n['iwae_nll']}; -ELBO {d['neg_elbo']}, {n['neg_elbo']}")
ok = float(n["iwae_nll"]) > float(d["iwae_nll"]) + 100 and float(n["neg_elbo"]) > float(d["neg_elbo"]) + 100
ok &= len(d["mu"].split(",")) == 2 and len(d["logvar"].split(",")) == 2
sys.exit(0 if ok else 1)
EOF
}
check "encode --image: a digit is likelier than noise" -- scores

echo "images: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
