#!/bin/bash
# The replay in the window under Xvfb (issue 17): a short run records itself; dragging the
# timeline to its start shows the plane as it was at the first snapshot (the same pixels
# as a screenshot taken then, and not the live plane's); W plays the run from there; Shift+T
# draws the hovered image's trail; End is the present again; Shift+P writes the
# run as a GIF (more than one frame, read back with tests/gif_read.py) and Shift+S the
# recording, which vae-explorer --replay reopens: its last frame is the live plane at the
# pause, its first (Home) the scrubbed start. Screenshots compared with tests/explorer_png.py.
# Env: VAE_BUILD (build dir), VAE_DATA_DIR (MNIST IDX dir), VAE_TMP (scratch).
set -u
BUILD=${VAE_BUILD:-build}
EXE=$(realpath "$BUILD/vae-explorer" 2>/dev/null)
PNG="/usr/bin/python3 $(realpath tests/explorer_png.py)"
GIF="/usr/bin/python3 $(realpath tests/gif_read.py)"
T=$(realpath "${VAE_TMP:-/tmp}")/replay.$$
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
DATA_DIR=$(realpath "${VAE_DATA_DIR:-data/mnist}" 2>/dev/null)
if [ ! -d "$DATA_DIR" ]; then
    echo "skip: MNIST data missing"
    exit 0
fi
XVFB=(xvfb-run -a -s "-screen 0 1280x800x24")
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(realpath tests/lsan.supp):print_suppressions=0"

# run NAME ARGS...: the explorer in $T (screenshots/ and recordings/ go there) with script
# $T/NAME.txt, exit status checked
run() {
    local name=$1
    shift
    (cd "$T" && timeout 120 "${XVFB[@]}" "$EXE" --data "$DATA_DIR" "$@" --script "$T/$name.txt" \
        >"$T/$name.out" 2>"$T/$name.err")
    local rc=$?
    check "$name: exits 0 (rc=$rc: $(grep -v trainer: "$T/$name.err" | head -c 300))" [ $rc -eq 0 ]
}

# Window 1280x800: the plane x 56..764, y 42..~710; the timeline band y 760..800, its track
# from x 56 to 710 (log step), the live button at x 722..774.
PLANE="60 46 760 700"
F=0
at() { F=$((F + $1)); echo "$F ${*:2}"; }
{
    at 1 move 300 790                      # the pointer on the band: no crosshair on the plane
    at 1 steps 1
    at 1 screenshot "$T/early.png"         # the first snapshot: the recording's first frame
    at 1 steps 250
    at 1 key space
    at 1 settle
    at 1 dblclick 400 400                  # a fresh fit of the view (it follows with a lag)
    at 1 move 300 790
    at 6 screenshot "$T/live.png"          # paused: the present
    at 1 drag left 300 780 20 780          # the timeline to its start
    at 8 screenshot "$T/scrub0.png"
    at 1 key w                             # play from there
    at 12 screenshot "$T/play.png"
    at 1 key end                           # the present again
    at 1 dblclick 400 400
    at 1 move 300 790
    at 6 screenshot "$T/back.png"
    at 1 hover 11
    at 1 key shift+t                       # the hovered image's trail
    at 8 screenshot "$T/trail.png"
    at 1 key shift+p
    at 1 key shift+s
    at 100 screenshot "$T/exported.png"
    at 1 quit
} >"$T/live.txt"
run live
check "early != live" $PNG differ "$T/early.png" "$T/live.png" $PLANE 3
check "scrubbed to the start == the first snapshot" $PNG same "$T/early.png" "$T/scrub0.png" $PLANE 1.5
check "scrubbed != live" $PNG differ "$T/scrub0.png" "$T/live.png" $PLANE 3
check "playing != the start" $PNG differ "$T/scrub0.png" "$T/play.png" $PLANE 1
check "back to live == live" $PNG same "$T/live.png" "$T/back.png" $PLANE 0.5
check "the trail: white pixels on the plane" $PNG brighter "$T/back.png" "$T/trail.png" $PLANE 40
gif=$(ls "$T"/screenshots/*.gif 2>/dev/null | head -1)
rec=$(ls "$T"/recordings/*.safetensors 2>/dev/null | head -1)
check "Shift+P wrote a GIF" [ -n "$gif" ]
check "Shift+S wrote the recording" [ -n "$rec" ]
if [ -n "$gif" ]; then
    summary=$($GIF "$gif" 2>&1)
    frames=$(echo "$summary" | sed -n 's/.* \([0-9][0-9]*\) frames.*/\1/p')
    check "the GIF reads back with frames > 1 ($summary)" [ "${frames:-0}" -gt 1 ]
fi

# ---- the recording reopened: no training, the last frame first -----------------------
if [ -n "$rec" ]; then
    F=0
    {
        at 1 move 300 790
        at 4 screenshot "$T/r_end.png"
        at 1 key home                      # the first recorded step
        at 8 screenshot "$T/r_scrub0.png"
        at 1 quit
    } >"$T/reopen.txt"
    run reopen --replay "$rec"
    check "reopened: its end == the live plane at the pause" $PNG same "$T/live.png" "$T/r_end.png" $PLANE 1.5
    check "reopened: its start == the scrubbed start" $PNG same "$T/scrub0.png" "$T/r_scrub0.png" $PLANE 1.5
fi

[ "$fails" -eq 0 ] && echo "replay: all passed" || echo "replay: $fails failed"
[ "$fails" -eq 0 ]
