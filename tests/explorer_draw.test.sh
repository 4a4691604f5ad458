#!/bin/bash
# The explorer's own-image tools under Xvfb on the pretrained checkpoints, driven by a
# --script and checked on its screenshots (tests/explorer_png.py): D and strokes on the
# canvas (the canvas inked, the drawing's posterior on the plane, its reconstruction and
# scores under the pane; a stroke's cursor-only frames equal a whole one), a PNG dropped (the canvas changes), a broken PNG dropped (a
# message in the footer, the drawing kept, the window running), the same PNG typed after
# Ctrl+O, then U: the pixels erased with the mask brush and the inpainting animated (the
# chain's image changes between two frames); U on a hovered test image. Then --image with
# a good and a broken file.
# Env: VAE_BUILD (build dir), VAE_DATA_DIR (MNIST IDX dir), VAE_TMP (scratch).
set -u
BUILD=${VAE_BUILD:-build}
EXE=$(realpath "$BUILD/vae-explorer" 2>/dev/null)
PNG="/usr/bin/python3 $(realpath tests/explorer_png.py)"
T=$(realpath "${VAE_TMP:-/tmp}")/explorer_draw.$$
mkdir -p "$T"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

if [ ! -x "$EXE" ]; then
    echo "FAIL $BUILD/vae-explorer not built"
    exit 1
fi
DATA_DIR=${VAE_DATA_DIR:-data/mnist}
if [ ! -d "$DATA_DIR" ]; then
    echo "skip: $DATA_DIR missing (the pretrained checkpoints are MNIST's)"
    exit 0
fi
XVFB=(xvfb-run -a -s "-screen 0 1600x1000x24")
CKPT=(--data "$DATA_DIR" --no-train --model models/mnist-vae.safetensors --ae-model models/mnist-ae.safetensors)
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(realpath tests/lsan.supp):print_suppressions=0"

# the pictures a user drops: a dark 7 on light paper, a cut one, a text file
$PNG digit "$T/seven.png" 90 120
head -c $(($(stat -c %s "$T/seven.png") / 2)) "$T/seven.png" >"$T/cut.png"
echo "not a picture" >"$T/text.png"

# run NAME ARGS...: the explorer with script $T/NAME.txt, exit status checked
run() {
    local name=$1
    shift
    timeout 120 "${XVFB[@]}" "$EXE" "$@" --script "$T/$name.txt" >"$T/$name.out" 2>"$T/$name.err"
    local rc=$?
    check "$name: exits 0 (rc=$rc: $(head -c 300 "$T/$name.err"))" [ $rc -eq 0 ]
}

# Window 1280x800, one pane: the plane x 56..764; with D the panel's canvas at
# x 795..963, y 303..471 (6x); the dock's strips under the plane's tick labels: the
# drawing's (reconstruction x 16..86, from y 720), then the repair's.
PLANE="56 42 764 640"
CANVAS="800 308 958 466"
DOCK="0 700 780 800"
FOOTER="790 775 1280 800"
F=0
at() { F=$((F + $1)); echo "$F ${*:2}"; }
{
    at 5 screenshot "$T/base.png"
    at 1 key d
    at 2 screenshot "$T/empty.png"
    at 1 drag left 880 330 862 450       # a stroke down the canvas
    at 1 drag left 850 335 900 330       # and one across its top: a 7
    at 8 screenshot "$T/drawn.png"
    at 1 down left 850 350               # a stroke with the button held: cursor-only frames
    at 1 move 860 380
    at 1 move 870 410
    at 1 move 880 440
    at 4 screenshot "$T/stroke_partial.png"
    at 1 key f5                          # (no tool's key: a whole frame)
    at 4 screenshot "$T/stroke_full.png"
    at 1 up left 880 440
    at 1 drop "$T/seven.png"
    at 8 screenshot "$T/dropped.png"
    at 1 drop "$T/cut.png"
    at 4 screenshot "$T/cut_shot.png"
    at 1 key backspace
    at 1 key ctrl+o
    at 1 type "$T/seven.png"
    at 1 key return
    at 8 screenshot "$T/typed.png"
    at 1 key u
    at 4 screenshot "$T/repair0.png"
} >"$T/draw.txt"
run draw "${CKPT[@]}" --frames 200 --stats
check "canvas empty before drawing" $PNG nocolour "$T/empty.png" $CANVAS 255 255 255 0
check "strokes ink the canvas" $PNG varied "$T/drawn.png" $CANVAS 40
check "the drawing's posterior on the plane (white samples)" $PNG brighter "$T/base.png" "$T/drawn.png" $PLANE 30
check "the drawing's reconstruction under the pane" $PNG varied "$T/drawn.png" 16 722 86 790 20
check "a stroke's cursor-only frames equal a whole frame (the plane)" $PNG same "$T/stroke_partial.png" "$T/stroke_full.png" 0 0 780 690 0
check "the stroke goes on with the button held" $PNG differ "$T/drawn.png" "$T/stroke_partial.png" $CANVAS 2
check "a dropped PNG replaces the drawing" $PNG differ "$T/drawn.png" "$T/dropped.png" $CANVAS 8
check "a broken PNG: a message in the footer" $PNG colour "$T/cut_shot.png" $FOOTER 235 120 110 20
check "a broken PNG: the drawing kept" $PNG same "$T/dropped.png" "$T/cut_shot.png" $CANVAS 0.5
check "the typed path loads the same picture" $PNG same "$T/dropped.png" "$T/typed.png" $CANVAS 0.5
check "stats printed" grep -q "p50_ms=.*p99_ms=" "$T/draw.out"

# run 2: the dropped 7, U, no noise (J twice), the lower half of the repair strip's input
# (x 16..86, y 720..790: the dock's lower strip) erased with the mask brush; the chain
# early and late
Y0=720
F=0
{
    at 5 drop "$T/seven.png"
    at 4 key u
    at 4 key j
    at 1 key j                          # no noise: only the erased pixels to repair
    for dy in 36 39 42 45 48 51 54 57 60 63 66 69; do
        at 1 drag left 17 $((Y0 + dy)) 85 $((Y0 + dy))
    done
    at 2 screenshot "$T/inpaint_early.png"
    at 70 screenshot "$T/inpaint_late.png"
} >"$T/repair.txt"
run repair "${CKPT[@]}" --frames 160 --stats
INPAINT="176 $Y0 246 $((Y0 + 70))"
check "the erased pixels are tinted on the input" $PNG colour "$T/inpaint_late.png" 16 $Y0 86 $((Y0 + 70)) 97 37 38 1000
check "one pass: a reconstruction beside the input" $PNG varied "$T/inpaint_late.png" 96 $Y0 166 $((Y0 + 70)) 20
check "inpainting: an image" $PNG varied "$T/inpaint_late.png" $INPAINT 20
check "inpainting animates (the chain moves)" $PNG differ "$T/inpaint_early.png" "$T/inpaint_late.png" $INPAINT 1

# run 3: U without a drawing: the hovered test image, corrupted and reconstructed
F=0
{
    at 5 key u
    at 1 hover 11
    at 6 screenshot "$T/repair_hover.png"
} >"$T/hover.txt"
run hover "${CKPT[@]}" --frames 20
check "U on a hovered test image: its noisy input" $PNG varied "$T/repair_hover.png" 16 720 86 790 30
check "U on a hovered test image: one pass" $PNG varied "$T/repair_hover.png" 96 720 166 790 20

# run 4: --image, a good and a broken file
F=0
{ at 6 screenshot "$T/flag.png"; } >"$T/flag.txt"
run flag "${CKPT[@]}" --image "$T/seven.png" --frames 10
check "--image: the picture on the canvas" $PNG same "$T/dropped.png" "$T/flag.png" $CANVAS 0.5
{ echo "6 screenshot $T/flag_bad.png"; } >"$T/flag_bad.txt"
run flag_bad "${CKPT[@]}" --image "$T/text.png" --frames 10
check "--image broken: a message, the window runs" $PNG colour "$T/flag_bad.png" $FOOTER 235 120 110 20

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]
