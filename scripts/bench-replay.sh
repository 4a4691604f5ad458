#!/usr/bin/env bash
# What scrubbing the replay's timeline costs a frame: the explorer trains to step 1,500,
# pauses, then the pointer drags the timeline 11 pixels a frame, back and forth, for 600
# frames (each frame a past state built and drawn whole), against the same run with the
# pointer sweeping the plane instead (cursor frames); alternated, ROUNDS times each
# (default 2). Prints each run's --stats lines and the load average before it.
#   scripts/bench-replay.sh [ROUNDS]
# Figures: docs/performance.md, "Recording a run", "In the window".
set -euo pipefail
cd "$(dirname "$0")/.."
EXE=$(realpath "${VAE_BUILD:-build}/vae-explorer")
DATA=$(realpath "${VAE_DATA_DIR:-data/mnist}")
W=$(mktemp -d "${VAE_TMP:-/tmp}/bench-replay.XXXXXX")
trap 'rm -rf "$W"' EXIT
# script NAME Y X0 X1 DOWN: 600 frames of the pointer at height Y between X0 and X1, the
# left button held if DOWN
script() {
    awk -v y="$2" -v lo="$3" -v hi="$4" -v down="$5" 'BEGIN {
        print "1 move 300 790"; print "2 steps 1500"; print "3 key space"; print "4 settle"
        x = hi; d = -11; f = 10
        if (down) print f " down left " x " " y; else print f " move " x " " y
        for (i = 0; i < 600; i++) {
            x += d; if (x < lo || x > hi) { d = -d; x += 2 * d }
            print ++f " move " x " " y
        }
        if (down) print ++f " up left " x " " y
        print ++f " quit" }' >"$W/$1.txt"
}
script scrub 780 60 700 1 # the timeline band (window 1280x800)
script sweep 400 100 700 0 # the plane
for r in $(seq "${1:-2}"); do
    for n in scrub sweep; do
        echo "$n round $r (load $(cut -d' ' -f1 /proc/loadavg)):"
        (cd "$W" && xvfb-run -a -s "-screen 0 1280x800x24" timeout 300 "$EXE" --data "$DATA" \
            --script "$W/$n.txt" --stats 2>/dev/null) | sed 's/^/  /'
    done
done
