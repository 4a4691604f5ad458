#!/bin/bash
# The explorer with --arch conv under Xvfb: it trains a conv VAE and a conv AE live (one
# epoch, then paused), the cursor's decoded image follows the pointer, compare (C) shows
# both conv models, the manifold grid (G) tiles the plane, and the other tools (prior
# samples, interpolation, posterior samples, traversals, q(z), rate-distortion) run on the
# conv models without failing; the saved checkpoints are conv ones.
# Env: VAE_BUILD (build dir), VAE_DATA_DIR (MNIST IDX dir), VAE_TMP (scratch).
set -u
BUILD=${VAE_BUILD:-build}
EXE=$(realpath "$BUILD/vae-explorer" 2>/dev/null)
VAE=$(realpath "$BUILD/vae" 2>/dev/null)
PNG="/usr/bin/python3 $(realpath tests/explorer_png.py)"
T=$(realpath "${VAE_TMP:-/tmp}")/explorer_conv.$$
mkdir -p "$T/cwd"
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
if [ ! -x "$EXE" ] || [ ! -x "$VAE" ]; then
    echo "FAIL $BUILD/vae-explorer or $BUILD/vae not built"
    exit 1
fi
DATA=(--data "$(realpath "${VAE_DATA_DIR:-data/mnist}")") # the runs change directory
[ -d "${VAE_DATA_DIR:-data/mnist}" ] || DATA=(--dataset fashion)
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(realpath tests/lsan.supp):print_suppressions=0"

# Window 1280x800: plane x 56..764, y 42..752; decoded image at about (796, 148), 280 px;
# in compare mode the panes are x 56..374 and 446..764, decoded images at x 796 and 1032.
cat > "$T/session.txt" <<SCRIPT
1 steps 63
2 settle
10 move 420 300
16 screenshot $T/a.png
17 move 200 600
23 screenshot $T/b.png
24 move 420 300
30 screenshot $T/a2.png
31 key c
32 move 250 300
40 screenshot $T/compare.png
41 key c
42 key g
200 screenshot $T/grid.png
201 key g
202 key z
210 screenshot $T/prior.png
211 key shift+z
212 key l
213 drag left 150 120 650 400
222 screenshot $T/interp.png
223 key l
224 key e
225 key t
226 key m
227 key k
228 move 400 300
240 screenshot $T/tools.png
241 key s
245 quit
SCRIPT
(cd "$T/cwd" && timeout 600 xvfb-run -a -s "-screen 0 1600x1000x24" "$EXE" "${DATA[@]}" \
    --arch conv --epochs 1 --script "$T/session.txt" --stats >"$T/out.txt" 2>"$T/err.txt")
rc=$?
check "conv session exits 0 (rc=$rc: $(head -c 300 "$T/err.txt"))" [ $rc -eq 0 ]
cat "$T/out.txt"
for f in a b a2 compare grid prior interp tools; do
    check "screenshot $f.png written" [ -s "$T/$f.png" ]
done
check "scatter: points of many classes after an epoch" $PNG scatter "$T/a.png" 56 42 764 752 6
check "decoded image changes with the cursor" $PNG differ "$T/a.png" "$T/b.png" 810 165 1060 410 3
check "decoding is deterministic: same place, same image" $PNG same "$T/a.png" "$T/a2.png" 810 165 1060 410 0.5
check "decoded image is an image, not a flat box" $PNG varied "$T/a.png" 800 150 1070 420 10
check "compare: the conv VAE's pane has a scatter" $PNG scatter "$T/compare.png" 56 42 374 752 5
check "compare: the conv AE's pane has a scatter" $PNG scatter "$T/compare.png" 446 42 764 752 5
check "compare: first decoded image" $PNG varied "$T/compare.png" 800 160 1015 365 10
check "compare: second decoded image" $PNG varied "$T/compare.png" 1036 160 1252 365 10
# after one epoch the conv VAE's digits are still faint blobs: a lower bar than the MLP's
check "grid: the plane is tiled with decoded images" $PNG varied "$T/grid.png" 56 42 764 752 15
check "grid: differs from the plane without it" $PNG differ "$T/a2.png" "$T/grid.png" 56 42 764 752 5
check "prior samples change the window" $PNG differ "$T/a2.png" "$T/prior.png" 0 0 1280 800 1
check "interpolation changes the window" $PNG differ "$T/a2.png" "$T/interp.png" 0 0 1280 800 1
check "E T M K change the window" $PNG differ "$T/a2.png" "$T/tools.png" 0 0 1280 800 1
VAE_CK=$(ls "$T"/cwd/models/vae-step*.safetensors 2>/dev/null | head -1)
check "S saved a conv VAE" sh -c "'$VAE' info --model '$VAE_CK' | grep -q 'kind=vae arch=conv'"
AE_CK=$(ls "$T"/cwd/models/ae-step*.safetensors 2>/dev/null | head -1)
check "S saved a conv AE" sh -c "'$VAE' info --model '$AE_CK' | grep -q 'kind=ae arch=conv'"
# the saved conv checkpoints open again, without training
(cd "$T/cwd" && timeout 120 xvfb-run -a -s "-screen 0 1600x1000x24" "$EXE" "${DATA[@]}" \
    --no-train --model "$VAE_CK" --ae-model "$AE_CK" --frames 20 \
    --screenshot "$T/notrain.png" 2>"$T/err2.txt")
rc=$?
check "--no-train on the conv checkpoints exits 0 (rc=$rc: $(head -c 200 "$T/err2.txt"))" [ $rc -eq 0 ]
check "--no-train: the checkpoint's scatter" $PNG scatter "$T/notrain.png" 56 42 764 752 6
if [ $fails -ne 0 ]; then
    cp "$T"/*.png "${VAE_TMP:-/tmp}/" 2>/dev/null
    echo "explorer_conv: $fails failed (screenshots kept in ${VAE_TMP:-/tmp})"
    exit 1
fi
echo "explorer_conv: all passed"
