#!/usr/bin/env bash
# The generation commands by their defining properties, on MNIST, through their output:
# `vae interpolate` starts and ends at the two images' reconstructions (what `vae encode`
# and `vae decode` give) and --slerp keeps the norm between the ends' on the circle;
# `vae arithmetic` moves most test 3s nearest the 8s' mean image; `vae traverse` changes
# the image most along the dimensions of largest KL; `vae sample --random N` prints N
# reproducible lines; the PNGs have the sizes of their strips and grids. Two small 8-D
# models are trained here (10 epochs each, seconds). Figures are printed; no timing is
# asserted. Env: VAE_BUILD (default build), VAE_DATA_DIR (default data/mnist), VAE_TMP.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${VAE_BUILD:-build}
VAE=$BUILD/vae
DATA=${VAE_DATA_DIR:-data/mnist}
[ -x "$VAE" ] || { echo "latent_ops: $VAE not built" >&2; exit 1; }
[ -e "$DATA/t10k-labels-idx1-ubyte" ] || { echo "latent_ops: no MNIST in $DATA" >&2; exit 1; }
W=$(mktemp -d "${VAE_TMP:-/tmp}/latent_ops.XXXXXX")
trap 'rm -rf "$W"' EXIT
VAE2=models/mnist-vae.safetensors
AE2=models/mnist-ae.safetensors

pass=0
fail=0
# check DESCRIPTION -- COMMAND...: the command's status is the verdict; its output is shown
# (indented) either way, so the figures land in the log.
check() {
    local desc=$1
    shift 2
    if "$@" >"$W/check.out" 2>&1; then
        pass=$((pass + 1))
        echo "ok   $desc"
    else
        fail=$((fail + 1))
        echo "FAIL $desc"
    fi
    sed 's/^/     /' "$W/check.out"
}

# The Python side: parsing the commands' lines and the IDX files (stdlib only).
cat >"$W/lib.py" <<'EOF'
import math, struct, sys

def lines(path):
    """Rows of floats, one per decoded image: the code, then the pixels."""
    return [[float(v) for v in l.split(",")] for l in open(path) if l.strip()]

def split(row, L):
    return row[:L], row[L:]

def idx_labels(d):
    return open(d + "/t10k-labels-idx1-ubyte", "rb").read()[8:]

def class_means(d):
    raw = open(d + "/t10k-images-idx3-ubyte", "rb").read()[16:]
    labels = idx_labels(d)
    sums, counts = [[0.0] * 784 for _ in range(10)], [0] * 10
    for i, k in enumerate(labels):
        counts[k] += 1
        s, img = sums[k], raw[i * 784 : (i + 1) * 784]
        for p in range(784):
            s[p] += img[p]
    return [[v / 255.0 / max(counts[k], 1) for v in sums[k]] for k in range(10)]

def nearest(img, means):
    d = [sum((a - b) ** 2 for a, b in zip(img, m)) for m in means]
    return d.index(min(d))

def norm(z):
    return math.sqrt(sum(v * v for v in z))

def png_size(path):
    b = open(path, "rb").read(24)
    assert b[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", b[16:24])

def png_grey(path):
    """Rows of an 8-bit greyscale PNG whose scanlines are all unfiltered (as ours are)."""
    import zlib
    data, pos, idat = open(path, "rb").read(), 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", data[pos + 8 : pos + 18])
            assert depth == 8 and ctype == 0, (depth, ctype)
        elif kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    assert all(raw[y * (w + 1)] == 0 for y in range(h))
    return [raw[y * (w + 1) + 1 : (y + 1) * (w + 1)] for y in range(h)]
EOF
export PYTHONPATH=$W

# ---- interpolation ----------------------------------------------------------------------
# First and last lines against `vae decode` of the codes `vae encode` gives I and J.
"$VAE" encode --model "$VAE2" --data "$DATA" >"$W/vae2.csv" &&
    "$VAE" encode --model "$AE2" --data "$DATA" >"$W/ae2.csv" ||
    { echo "latent_ops: vae encode failed" >&2; exit 1; }
interp_ends() { # MODEL CSV I J [--slerp]
    local m=$1 csv=$2 i=$3 j=$4
    shift 4
    "$VAE" interpolate --model "$m" --data "$DATA" --from "$i" --to "$j" --steps 7 "$@" \
        >"$W/path.txt" || return 1
    for k in "$i" "$j"; do
        z=$(awk -F, -v r="$k" 'NR == r + 2 { print $3 "," $4 }' "$csv")
        "$VAE" decode --model "$m" --z "$z" | tr '\n' ',' >"$W/recon_$k.txt" || return 1
    done
    python3 - "$W" "$i" "$j" <<'EOF'
import sys
from lib import lines
W, i, j = sys.argv[1], sys.argv[2], sys.argv[3]
path = lines(W + "/path.txt")
recon = {k: [float(v) for v in open(f"{W}/recon_{k}.txt").read().strip(",").split(",")] for k in (i, j)}
d0 = max(abs(a - b) for a, b in zip(path[0][2:], recon[i]))
d1 = max(abs(a - b) for a, b in zip(path[-1][2:], recon[j]))
mid = sum(abs(a - b) for a, b in zip(path[3][2:], recon[i])) / 784
print(f"{len(path)} lines; first is {i}'s reconstruction to {d0:.1e}, last {j}'s to {d1:.1e}; middle moved {mid:.3f}")
sys.exit(0 if len(path) == 7 and d0 < 1e-5 and d1 < 1e-5 and mid > 1e-3 else 1)
EOF
}
check "interpolate (VAE, linear) ends at the reconstructions" -- interp_ends "$VAE2" "$W/vae2.csv" 3 1500
check "interpolate (VAE, --slerp) ends at the reconstructions" -- interp_ends "$VAE2" "$W/vae2.csv" 17 999 --slerp
check "interpolate (AE, linear) ends at the reconstructions" -- interp_ends "$AE2" "$W/ae2.csv" 8 1200

# --slerp: every code's norm between the ends' (linear in t), its angle turning evenly.
slerp_norms() {
    "$VAE" interpolate --model "$VAE2" --data "$DATA" --from "$1" --to "$2" --steps 12 --slerp \
        >"$W/slerp.txt" || return 1
    "$VAE" interpolate --model "$VAE2" --data "$DATA" --from "$1" --to "$2" --steps 12 \
        >"$W/linear.txt" || return 1
    python3 - "$W" <<'EOF'
import math, sys
from lib import lines, norm
W = sys.argv[1]
z = [r[:2] for r in lines(W + "/slerp.txt")]
lin = [r[:2] for r in lines(W + "/linear.txt")]
r0, r1, n = norm(z[0]), norm(z[-1]), len(z)
ang = lambda a, b: math.acos(max(-1, min(1, (a[0] * b[0] + a[1] * b[1]) / (norm(a) * norm(b)))))
omega, ok, worst = ang(z[0], z[-1]), True, 0
for k, p in enumerate(z):
    t = k / (n - 1)
    ok &= min(r0, r1) - 1e-5 <= norm(p) <= max(r0, r1) + 1e-5
    ok &= abs(norm(p) - ((1 - t) * r0 + t * r1)) < 1e-5
    worst = max(worst, abs(ang(z[0], p) - t * omega), abs(ang(z[0], p) + ang(p, z[-1]) - omega))
dip = min(norm(p) for p in lin)
print(f"|z0| {r0:.3f} |z1| {r1:.3f}, angle {math.degrees(omega):.1f} deg: slerp norms in "
      f"[{min(map(norm, z)):.3f}, {max(map(norm, z)):.3f}], off the circle by {worst:.1e} rad; "
      f"the linear path dips to {dip:.3f}")
sys.exit(0 if ok and worst < 1e-4 else 1)
EOF
}
check "interpolate --slerp: norms between the ends', on the circle (wide)" -- slerp_norms 3 1500
check "interpolate --slerp: norms between the ends', on the circle (narrow)" -- slerp_norms 17 999

# ---- attribute vectors ------------------------------------------------------------------
# An 8-D VAE (on the 2-D one the 8s' mean code decodes as a 5: test_latent_ops prints it).
M8=$W/l8.safetensors
"$VAE" train --data "$DATA" --latent 8 --epochs 10 --seed 0 --quiet --out "$M8" ||
    { echo "latent_ops: training the 8-D VAE failed" >&2; exit 1; }
arithmetic_3_to_8() {
    local threes
    threes=$(python3 -c "
from lib import idx_labels
print(' '.join([str(i) for i, k in enumerate(idx_labels('$DATA')) if k == 3][:40]))")
    : >"$W/t0.txt"
    : >"$W/t1.txt"
    for i in $threes; do
        # 7 steps: t = 0, 0.25, ..., 1.5; line 5 is t = 1, z + v itself
        "$VAE" arithmetic --model "$M8" --data "$DATA" --from-class 3 --to-class 8 --apply "$i" \
            >"$W/strip.txt" || return 1
        [ "$(wc -l <"$W/strip.txt")" -eq 7 ] || return 1
        sed -n 1p "$W/strip.txt" >>"$W/t0.txt"
        sed -n 5p "$W/strip.txt" >>"$W/t1.txt"
    done
    python3 - "$W" "$DATA" <<'EOF'
import sys
from lib import class_means, lines, nearest
W, D = sys.argv[1], sys.argv[2]
means = class_means(D)
before = [nearest(r[8:], means) for r in lines(W + "/t0.txt")]
after = [nearest(r[8:], means) for r in lines(W + "/t1.txt")]
moved = sum(a == 8 for a in after)
print(f"z + (mean 8 - mean 3): {moved} of {len(after)} test 3s decode nearest the 8s' mean "
      f"({moved / len(after):.2f}); before, {sum(b == 3 for b in before)} nearest the 3s'")
sys.exit(0 if moved > len(after) / 2 else 1)
EOF
}
check "arithmetic 3 -> 8 moves most 3s to the 8s' mean image" -- arithmetic_3_to_8

# ---- traversals -------------------------------------------------------------------------
MB=$W/l8b4.safetensors
"$VAE" train --data "$DATA" --latent 8 --beta 4 --epochs 10 --seed 0 --quiet --out "$MB" ||
    { echo "latent_ops: training the beta-VAE failed" >&2; exit 1; }
traverse_follows_kl() {
    "$VAE" traverse --model "$MB" --data "$DATA" --index 0 --out "$W/grid.png" >"$W/order.txt" ||
        return 1
    : >"$W/rows.txt"
    for i in 0 113 226 339 452 565; do
        "$VAE" traverse --model "$MB" --data "$DATA" --index "$i" >>"$W/rows.txt" || return 1
    done
    python3 - "$W" <<'EOF'
import sys
from lib import lines, png_size
W = sys.argv[1]
f = dict(kv.split("=") for kv in open(W + "/order.txt").read().split())
dims, kl = [int(v) for v in f["dims"].split(",")], [float(v) for v in f["kl"].split(",")]
L, S = 8, 9
rows = lines(W + "/rows.txt")
assert len(rows) == 6 * L * S, len(rows)
change, own_dim_only = [0.0] * L, True
for img in range(6):
    block = rows[img * L * S : (img + 1) * L * S]
    centre = block[S // 2][:L]
    for r in range(L):
        for k in range(S):
            z = block[r * S + k][:L]
            own_dim_only &= all(z[j] == centre[j] for j in range(L) if j != dims[r])
            if k:
                prev = block[r * S + k - 1][L:]
                change[r] += sum(abs(a - b) for a, b in zip(block[r * S + k][L:], prev)) / 784 / 6
rank = lambda v: [sorted(v).index(x) for x in v]
rk, rc = rank(kl), rank(change)
rho = 1 - 6 * sum((a - b) ** 2 for a, b in zip(rk, rc)) / (L * (L * L - 1))
active = [c for c, k in zip(change, kl) if k > 0.5]
collapsed = [c for c, k in zip(change, kl) if k < 0.1]
for r in range(L):
    print(f"row {r}: dim {dims[r]}  KL {kl[r]:.3f}  change {change[r]:.4f}")
print(f"rank correlation of KL and change {rho:.2f}; collapsed rows' largest change "
      f"{max(collapsed, default=0):.4f}, active rows' smallest {min(active, default=0):.4f}")
ok = kl == sorted(kl, reverse=True) and own_dim_only and rho > 0.8 and png_size(W + "/grid.png") == (S * 28, L * 28)
ok &= bool(active) and bool(collapsed) and max(collapsed) < 0.25 * min(active)
sys.exit(0 if ok else 1)
EOF
}
check "traverse: rows by KL, change follows KL, collapsed rows still" -- traverse_follows_kl

# ---- prior samples and picture sizes ----------------------------------------------------
sample_random() {
    "$VAE" sample --model "$MB" --random 5 --seed 3 >"$W/s1.txt" &&
        "$VAE" sample --model "$MB" --random 5 --seed 3 >"$W/s2.txt" &&
        "$VAE" sample --model "$MB" --random 5 --seed 4 >"$W/s3.txt" || return 1
    cmp -s "$W/s1.txt" "$W/s2.txt" && ! cmp -s "$W/s1.txt" "$W/s3.txt" &&
        [ "$(wc -l <"$W/s1.txt")" -eq 5 ] &&
        awk -F, 'NF != 8 + 784 { bad = 1 } END { exit bad }' "$W/s1.txt"
}
check "sample --random 5: 5 lines of 8 + 784 values, the same for a seed" -- sample_random
png_sizes() {
    "$VAE" sample --model "$VAE2" --random 10 --out "$W/s.png" &&
        "$VAE" interpolate --model "$VAE2" --data "$DATA" --from 0 --to 1 --steps 6 --scale 2 \
            --out "$W/i.png" &&
        "$VAE" arithmetic --model "$VAE2" --data "$DATA" --from-class 3 --to-class 8 --apply 1 \
            --out "$W/a.png" || return 1
    python3 - "$W" <<'EOF'
import sys
from lib import png_size
W = sys.argv[1]
got = [png_size(W + f) for f in ("/s.png", "/i.png", "/a.png")]
print("sample --random 10, interpolate --steps 6 --scale 2, arithmetic:", got)
sys.exit(0 if got == [(4 * 28, 3 * 28), (6 * 56, 56), (7 * 28, 28)] else 1)
EOF
}
check "PNG strips and grids have their tiles' sizes" -- png_sizes
# The tiles hold what the lines print: 2 rows (dimensions) of 5, each pixel a 2 x 2 block.
png_tiles() {
    "$VAE" traverse --model "$VAE2" --data "$DATA" --index 7 --steps 5 --scale 2 \
        --out "$W/t.png" >/dev/null &&
        "$VAE" traverse --model "$VAE2" --data "$DATA" --index 7 --steps 5 >"$W/t.txt" || return 1
    python3 - "$W" <<'EOF'
import sys
from lib import lines, png_grey
W = sys.argv[1]
rows, img = lines(W + "/t.txt"), png_grey(W + "/t.png")
worst = 0
for n, r in enumerate(rows):
    for y in range(56):
        for x in range(56):
            want = round(255 * min(max(r[2 + (y // 2) * 28 + x // 2], 0), 1))
            worst = max(worst, abs(img[(n // 5) * 56 + y][(n % 5) * 56 + x] - want))
print(f"{len(rows)} tiles, {len(img[0])}x{len(img)} pixels; largest difference {worst}")
sys.exit(0 if len(rows) == 10 and (len(img[0]), len(img)) == (280, 112) and worst <= 1 else 1)
EOF
}
check "PNG tiles hold the printed probabilities" -- png_tiles

echo "latent_ops: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
