#!/usr/bin/env bash
# A recorded run end to end, on MNIST: `vae train --record` keeps frames from step 0 to the
# last, spread in log(step); the frame at the end of epoch 1 of a 2-epoch run holds what
# `vae encode` gives for the checkpoint of a 1-epoch run (the same training: one thread, one
# seed), and the last frame what it gives for the final checkpoint, within half precision;
# `vae animate` writes GIFs of the frame count asked for (read back by tests/gif_read.py),
# whose frames all differ, with and without the grid. Figures are printed; no timing is
# asserted. Env: VAE_BUILD (default build), VAE_DATA_DIR (default data/mnist), VAE_TMP.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${VAE_BUILD:-build}
VAE=$BUILD/vae
DATA=${VAE_DATA_DIR:-data/mnist}
[ -x "$VAE" ] || { echo "record: $VAE not built" >&2; exit 1; }
[ -e "$DATA/t10k-labels-idx1-ubyte" ] || { echo "record: no MNIST in $DATA" >&2; exit 1; }
W=$(mktemp -d "${VAE_TMP:-/tmp}/record.XXXXXX")
trap 'rm -rf "$W"' EXIT

pass=0
fail=0
check() { # DESCRIPTION -- COMMAND...: the command's status is the verdict, its output shown
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

T=(--data "$DATA" --hidden 128,64 --threads 1 --seed 7 --quiet)
"$VAE" train "${T[@]}" --epochs 1 --out "$W/e1.safetensors" || exit 1
"$VAE" train "${T[@]}" --epochs 2 --out "$W/e2.safetensors" --record "$W/run.rec" || exit 1
"$VAE" encode --model "$W/e1.safetensors" --data "$DATA" --out "$W/e1.csv" || exit 1
"$VAE" encode --model "$W/e2.safetensors" --data "$DATA" --out "$W/e2.csv" || exit 1

# The recording read with the stdlib: the safetensors header, halves with struct's 'e'.
cat >"$W/rec.py" <<'EOF'
import csv, json, math, struct, sys

def load(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    meta, data = hdr.pop("__metadata__"), b[8 + n:]
    fmt = {"F16": "e", "F32": "f", "I64": "q", "U8": "B"}
    def tensor(name):
        t = hdr[name]
        lo, hi = t["data_offsets"]
        k = fmt[t["dtype"]]
        return struct.unpack("<%d%s" % ((hi - lo) // struct.calcsize(k), k), data[lo:hi]), t["shape"]
    return meta, tensor

def frame(tensor, name, i):
    v, (F, n, L) = tensor(name)
    return [v[(i * n + j) * L:(i * n + j + 1) * L] for j in range(n)]

def near(a, b):  # a rounded to half: relative 2^-11, and the halves' subnormal step
    return abs(a - b) <= abs(b) * 2 ** -11 + 2 ** -24

def same_as_encode(tensor, i, path):
    rows = list(csv.reader(open(path)))[1:]
    mu, lv = frame(tensor, "m0.mu", i), frame(tensor, "m0.logvar", i)
    labels, _ = tensor("labels")
    bad = [j for j, r in enumerate(rows)
           if int(r[1]) != labels[j] or not all(near(mu[j][k], float(r[2 + k])) for k in range(2))
           or not all(near(lv[j][k], float(r[4 + k])) for k in range(2))]
    worst = max(abs(mu[j][0] - float(r[2])) for j, r in enumerate(rows))
    print("frame %d vs %s: %d of %d images differ beyond half precision (largest mu gap %.2g)"
          % (i, path.split("/")[-1], len(bad), len(rows), worst))
    return not bad

meta, tensor = load(sys.argv[2])
steps, _ = tensor("steps")
what = sys.argv[1]
if what == "steps":
    print("frames at steps", steps, "decoders at", tensor("decoder_steps")[0])
    gaps = [math.log1p(b) - math.log1p(a) for a, b in zip(steps, steps[1:]) if b - a > 1]
    ok = steps[0] == 0 and steps[-1] == 126 and len(steps) >= 8 and max(gaps) < 1.0
    sys.exit(0 if ok else 1)
if what == "epoch1":
    sys.exit(0 if 63 in steps and same_as_encode(tensor, steps.index(63), sys.argv[3]) else 1)
if what == "last":
    sys.exit(0 if same_as_encode(tensor, len(steps) - 1, sys.argv[3]) else 1)
EOF
check "frames from step 0 to the last, spread in log(step)" -- python3 "$W/rec.py" steps "$W/run.rec"
check "the frame at step 63 is vae encode of the 1-epoch checkpoint" -- \
    python3 "$W/rec.py" epoch1 "$W/run.rec" "$W/e1.csv"
check "the last frame is vae encode of the final checkpoint" -- \
    python3 "$W/rec.py" last "$W/run.rec" "$W/e2.csv"

# The GIFs: frame counts as asked, every frame different from the one before.
cat >"$W/gif.py" <<'EOF'
import os, sys
sys.path.insert(0, "tests")
import gif_read
path, want = sys.argv[1], int(sys.argv[2])
w, h, pal, frames, loops = gif_read.read(path)
same = sum(1 for a, b in zip(frames, frames[1:]) if a[1] == b[1])
print("%s: %dx%d, %d frames (want %d), %d repeats, loops %s, %.1f KB"
      % (os.path.basename(path), w, h, len(frames), want, same, loops, os.path.getsize(path) / 1e3))
sys.exit(0 if len(frames) == want and same == 0 and loops else 1)
EOF
check "vae animate --frames 6" -- sh -c "'$VAE' animate --replay '$W/run.rec' --out '$W/a.gif' \
    --frames 6 --quiet && python3 '$W/gif.py' '$W/a.gif' 6"
check "vae animate --grid --size 320x240 --fps 25 (every frame)" -- sh -c "'$VAE' animate \
    --replay '$W/run.rec' --out '$W/g.gif' --grid --size 320x240 --fps 25 --quiet && \
    python3 '$W/gif.py' '$W/g.gif' \$(python3 -c \"import json,struct; b=open('$W/run.rec','rb').read(); \
    print(json.loads(b[8:8+struct.unpack('<Q',b[:8])[0]])['__metadata__']['frames'])\")"

echo "record: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
