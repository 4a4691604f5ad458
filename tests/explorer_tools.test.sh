#!/bin/bash
# The explorer's generation tools under Xvfb, with a --script of input events and its
# screenshots checked with tests/explorer_png.py: on the pretrained checkpoints, prior
# samples (Z), the same z in both panes (B), posterior decodes (E), the aggregate
# posterior's map (M), interpolation (L, Shift+L: clicks on two dots, a drag), attribute vectors
# (V: classes, boxes, a held image), traversals (T), each in the single pane and in compare
# mode with a strip per pane, and partial frames against whole ones; then a short
# --latent 8 --beta 4 run for traversals with collapsed dimensions, the axes (X, Y, O)
# and a spherical interpolation. Clicks on dots land where an earlier run's screenshot
# shows dots of a class (explorer_png.py dot), so the test follows the layout.
# Env: VAE_BUILD (build dir), VAE_DATA_DIR (MNIST IDX dir), VAE_TMP (scratch).
set -u
BUILD=${VAE_BUILD:-build}
EXE=$(realpath "$BUILD/vae-explorer" 2>/dev/null)
PNG="/usr/bin/python3 $(realpath tests/explorer_png.py)"
T=$(realpath "${VAE_TMP:-/tmp}")/explorer_tools.$$
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

# run NAME ARGS...: the explorer with script $T/NAME.txt, exit status checked
run() {
    local name=$1
    shift
    timeout 180 "${XVFB[@]}" "$EXE" "$@" --script "$T/$name.txt" >"$T/$name.out" 2>"$T/$name.err"
    local rc=$?
    check "$name: exits 0 (rc=$rc: $(grep -v trainer: "$T/$name.err" | head -c 300))" [ $rc -eq 0 ]
}
shot() { echo "$1 screenshot $T/$2.png"; }

# Window 1280x800: the plane x 56..764 from y 42 (compare: panes x 56..374 and 446..764);
# the dock under the tick labels, at most two thirds of the plot; the panel from x 780.
PLANE="56 42 764 500"
PLANE_L="56 42 374 500"
PLANE_R="446 42 764 500"
PANE_R="446 42 764 760"
DOCK="0 520 780 800"
DOCK_L="0 520 400 800"
DOCK_R="400 520 780 800"

# ---- run 1: the checkpoints, each tool on its own ------------------------------------
# at N CMD: CMD N frames after the last line's frame (a whole frame takes one, a strip of
# decodes one or two; screenshots wait a few)
F=0
at() { F=$((F + $1)); echo "$F ${*:2}"; }
{
    at 5 screenshot "$T/base.png"
    at 1 key l
    at 4 screenshot "$T/l_empty.png"     # L on, nothing chosen: where run 2 finds dots
    at 1 key c
    at 9 screenshot "$T/lc_empty.png"
    at 1 key c
    at 1 key l
    at 1 key v
    at 1 hover 11
    at 6 screenshot "$T/v_hover.png"     # 3 -> 8 applied to the hovered image #11
    at 1 key right                       # start: 4
    at 1 key up                          # end: 9
    at 8 screenshot "$T/v_classes.png"
    at 1 key c
    at 1 hover 11
    at 8 screenshot "$T/vc_hover.png"
    at 1 key c
    at 8 hover 11
    at 2 hover 11                        # the same place: nothing moves in this frame
    at 2 move 740 60                     # away: the applied path goes (a cursor-only frame)
    at 3 screenshot "$T/v_left.png"
    at 1 key f5
    at 3 screenshot "$T/v_left_full.png"
    at 1 move 700 700                    # off the plane: nothing hovered
    at 3 screenshot "$T/v_empty.png"     # where run 2 finds a dot to hold
    at 1 key v
    at 1 key t
    at 1 hover 11
    at 7 screenshot "$T/t_hover.png"
    at 1 move 740 60                     # a corner without dots: the cursor's code
    at 6 screenshot "$T/t_cursor.png"
    at 1 key c
    at 1 hover 11
    at 6 screenshot "$T/tc_hover.png"
    at 1 key f5
    at 4 screenshot "$T/tc_hover_full.png"
    at 1 key t
    at 1 move 200 200
    at 5 screenshot "$T/c_cursor.png"    # each pane decodes the point under its crosshair
    at 1 key b
    at 5 screenshot "$T/c_same_z.png"    # every pane decodes the pointer's z
    at 1 key b
    at 1 key c
    at 1 key e
    at 1 hover 7
    at 6 screenshot "$T/e.png"
    at 1 key e
    at 1 move 700 700
    at 1 key m
    at 49 screenshot "$T/m.png"          # the worker's map is in by then
    at 1 key m
    at 1 key z
    at 8 screenshot "$T/z.png"
    at 1 key z
    at 7 screenshot "$T/z2.png"
    at 1 key c
    at 9 screenshot "$T/zc.png"
    at 1 quit
} >"$T/run1.txt"
run run1 "${CKPT[@]}"
S=$T # screenshots
# dock regions below the plots' tick labels (where the plot ends depends on the dock)
check "V: the image and 7 decodes of z + t v in the dock" $PNG tiles "$S/v_hover.png" 0 690 780 800 8 5
check "V: the arrow on the plane" $PNG colour "$S/v_hover.png" $PLANE 205 150 255 20
check "V: other classes move the arrow" $PNG differ "$S/v_hover.png" "$S/v_classes.png" 56 42 764 640 0.3
check "V compare: a strip in the left pane's dock" $PNG tiles "$S/vc_hover.png" 0 720 400 800 8 2
check "V compare: a strip in the right pane's dock" $PNG tiles "$S/vc_hover.png" 400 720 780 800 8 2
check "V compare: an arrow on each plane" $PNG colour "$S/vc_hover.png" $PLANE_L 205 150 255 10
check "V compare: an arrow on each plane (right)" $PNG colour "$S/vc_hover.png" $PLANE_R 205 150 255 10
check "V: the hovered image's path goes with the pointer" $PNG same "$S/v_left.png" "$S/v_left_full.png" 0 0 1280 775 0
check "T: a row per dimension, 9 decodes each" $PNG tiles "$S/t_hover.png" 0 600 780 800 9 8 2 2
check "T: the cursor's code when no dot is hovered" $PNG differ "$S/t_hover.png" "$S/t_cursor.png" 0 600 780 800 3
check "T compare: rows in the left pane's dock" $PNG tiles "$S/tc_hover.png" 0 690 400 800 9 8 2 2
check "T compare: rows in the right pane's dock" $PNG tiles "$S/tc_hover.png" 400 690 780 800 9 2 2 2
check "T compare: a cursor-only frame equals a whole frame" $PNG same "$S/tc_hover.png" "$S/tc_hover_full.png" 0 0 1280 775 0
check "compare on checkpoints: the AE pane fits its own codes (its 1s in view)" $PNG colour "$S/c_cursor.png" $PANE_R 242 142 43 200
check "B: the AE decodes the VAE pane's z" $PNG differ "$S/c_cursor.png" "$S/c_same_z.png" 1036 160 1252 380 3
check "B: the VAE's decode stays" $PNG same "$S/c_cursor.png" "$S/c_same_z.png" 800 160 1016 380 0.5
check "E: the reconstruction and 9 decoded posterior samples" $PNG tiles "$S/e.png" 0 690 780 800 10 3
check "M: the map shades the plane" $PNG differ "$S/base.png" "$S/m.png" 56 42 764 600 8
check "Z: 10 decoded prior samples" $PNG tiles "$S/z.png" 0 690 780 800 10 6
check "Z: the samples ringed on the plane" $PNG colour "$S/z.png" $PLANE 255 214 102 50
check "Z again: new samples" $PNG differ "$S/z.png" "$S/z2.png" 0 690 780 800 3
check "Z compare: the left pane's model decodes them" $PNG tiles "$S/zc.png" 0 720 400 800 10 6
check "Z compare: the right pane's model decodes them" $PNG tiles "$S/zc.png" 400 720 780 800 10 6

# ---- run 2: clicks on dots and drags, where run 1 shows dots --------------------------
# (a dot of a class nearest the centre of that class's dots, the legend left out)
dot() { $PNG dot "$S/$1.png" "${@:2}" || echo "0 0"; }
ONE=$(dot l_empty 110 42 764 670 1)
ZERO=$(dot l_empty 110 42 764 670 0)
C_ONE=$(dot lc_empty 110 42 374 700 1)
C_SEVEN=$(dot lc_empty 110 42 374 700 7)
HOLD=$(dot v_empty 110 42 764 640 2)
{
    echo "5 key l"
    echo "6 click $ONE"       # the start: a 1
    echo "8 click $ZERO"      # the end: a 0
    shot 15 l_images
    echo "16 drag left 150 200 600 500"
    shot 25 l_points
    echo "26 key shift+l"     # spherical: not on a 2-D latent (a message only)
    shot 30 l_k2d
    echo "31 key shift+l"
    echo "32 key c"
    shot 40 lc_points
    echo "41 click $C_ONE"
    echo "43 click $C_SEVEN"
    shot 50 lc_images
    echo "51 key f5"
    shot 55 lc_images_full
    echo "56 key c"
    echo "57 key l"
    echo "58 key v"
    echo "59 click $HOLD"     # hold a 2
    echo "61 move 700 790"    # off the planes: nothing hovered
    shot 65 v_held
    echo "66 drag left 120 80 330 250"   # the start group: a box of 1s
    echo "68 drag left 120 420 400 600"  # the end group: a box of 0s
    echo "70 move 700 790"
    shot 75 v_boxes
    echo "76 key f5"
    shot 80 v_boxes_full
    echo "81 quit"
} >"$T/run2.txt"
run run2 "${CKPT[@]}"
check "L: 10 decodes from one clicked image to the other" $PNG tiles "$S/l_images.png" 0 690 780 800 10 6
check "L: the path on the plane" $PNG colour "$S/l_images.png" $PLANE 120 230 170 30
check "L: the strip fills once both ends are chosen" $PNG differ "$S/l_empty.png" "$S/l_images.png" 0 690 780 800 3
check "L: a drag between two points" $PNG tiles "$S/l_points.png" 0 690 780 800 10 6
check "L: the drag's path is another" $PNG differ "$S/l_images.png" "$S/l_points.png" 0 690 780 800 3
check "Shift+L on a 2-D latent: the path stays linear" $PNG same "$S/l_points.png" "$S/l_k2d.png" 0 690 780 800 0.5
check "L compare: the points' path in the left pane's dock" $PNG tiles "$S/lc_points.png" 0 720 400 800 10 4
check "L compare: and in the right pane's" $PNG tiles "$S/lc_points.png" 400 720 780 800 10 2
check "L compare: each model between its codes of two images (left)" $PNG tiles "$S/lc_images.png" 0 720 400 800 10 5
check "L compare: each model between its codes of two images (right)" $PNG tiles "$S/lc_images.png" 400 720 780 800 10 3
check "L compare: the path on each plane" $PNG colour "$S/lc_images.png" $PLANE_R 120 230 170 10
check "L compare: a cursor-only frame equals a whole frame" $PNG same "$S/lc_images.png" "$S/lc_images_full.png" 0 0 1280 775 0
check "V: a clicked image is held" $PNG tiles "$S/v_held.png" 0 690 780 800 8 4
check "V: boxes make the groups" $PNG differ "$S/v_held.png" "$S/v_boxes.png" 56 42 764 640 1
check "V: the boxes' arrow" $PNG colour "$S/v_boxes.png" $PLANE 205 150 255 100
check "V: v between the boxes changes the strip" $PNG differ "$S/v_held.png" "$S/v_boxes.png" 0 690 780 800 2
check "V: a cursor-only frame equals a whole frame" $PNG same "$S/v_boxes.png" "$S/v_boxes_full.png" 0 0 1280 775 0

# ---- run 3: --latent 8 --beta 4, trained here for 3 epochs (it pauses there) ----------
# Some of the 8 dimensions collapse onto the prior (KL < 0.1 nat): their traversal rows
# are greyed; the others change the digit. Then the axes (X, Y, O) and a spherical path.
{
    echo "1 steps 189"        # the end of epoch 3 (63 steps each): paused there
    echo "2 settle"
    echo "30 key t"
    echo "31 move 400 300"
    shot 40 t8
    echo "41 key c"
    echo "42 move 200 300"
    shot 50 t8c
    echo "51 key f5"
    shot 55 t8c_full
    echo "56 key t"
    echo "57 key c"
    echo "58 key l"
    echo "59 drag left 150 120 650 400"
    shot 68 l8
    echo "69 key shift+l"     # spherical: the path arcs around the origin
    shot 78 l8_sph
    echo "79 key l"
    echo "80 move 300 300"
    shot 88 ax0
    echo "89 key x"           # x: dimension 3 (2 is on y)
    shot 98 ax_x
    echo "99 key y"           # y: dimension 4
    shot 108 ax_y
    echo "109 key o"          # the others at the hovered image's code
    echo "110 hover 11"
    echo "113 move 300 300"
    shot 120 ax_o
    echo "121 key f5"
    shot 125 ax_o_full
    echo "126 quit"
} >"$T/run3.txt"
start=$(date +%s)
run run3 --data "$DATA_DIR" --latent 8 --beta 4 --epochs 3 --seed 1
echo "note: the latent-8 run took $(($(date +%s) - start)) s"
check "T latent 8: 9 decodes per dimension, collapsed rows greyed" $PNG tiles "$S/t8.png" 0 500 780 800 9 10 3 7
check "T latent 8 compare: the VAE's rows" $PNG tiles "$S/t8c.png" 0 500 400 800 9 10 3 7
check "T latent 8 compare: the AE's rows (by Var[mu]: none greyed)" $PNG tiles "$S/t8c.png" 400 500 780 800 9 10 6 8
check "T latent 8 compare: a cursor-only frame equals a whole frame" $PNG same "$S/t8c.png" "$S/t8c_full.png" 0 0 1280 775 0
check "X: another dimension on the x axis" $PNG differ "$S/ax0.png" "$S/ax_x.png" 56 42 764 700 2
check "Y: another dimension on the y axis" $PNG differ "$S/ax_x.png" "$S/ax_y.png" 56 42 764 700 2
check "O: the cursor decodes with the others at an image's code" $PNG differ "$S/ax_y.png" "$S/ax_o.png" 800 160 1070 440 3
check "O: a cursor-only frame equals a whole frame (the caption names the image)" $PNG same "$S/ax_o.png" "$S/ax_o_full.png" 0 0 1280 775 0
check "L latent 8: a dragged path" $PNG tiles "$S/l8.png" 0 690 780 800 10 2
check "L latent 8: the straight path stays low" $PNG nocolour "$S/l8.png" 200 42 600 100 120 230 170 0
check "Shift+L latent 8: the spherical path arcs around the origin" $PNG colour "$S/l8_sph.png" 200 42 600 100 120 230 170 20
check "Shift+L latent 8: and other decodes" $PNG differ "$S/l8.png" "$S/l8_sph.png" 0 690 780 800 1

echo "$fails failed"
[ $fails -eq 0 ]
