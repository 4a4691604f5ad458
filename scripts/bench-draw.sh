#!/usr/bin/env bash
# Frame times while drawing and inpainting, against the same input without the tools, in
# one run (both models training, 1280x800 under xvfb-run):
#
#   scripts/bench-draw.sh [--rounds N] [--frames F] [--build DIR]
#
# Each round runs the explorer twice with a --script of pointer strokes over the panel's
# canvas, one every 2 frames (draw, then erase, across it), for the first half of the
# frames, then the mask brush on the repair strip's input and the inpainting chain
# restarted every 70 frames (J changes the noise) for the second half: "tools" with D and
# U on, "plain" with neither (the same events land on an empty panel). Prints per round
# each run's --stats (wall frame times p50_ms / p99_ms, and the render thread's own CPU
# time per drawn frame cpu_p50_ms / cpu_p99_ms), their medians over the rounds and the
# ratios tools / plain. Never
# asserts on time: exit 0 unless a run failed (1), 2 on bad usage.
set -u
cd "$(dirname "$0")/.." || exit 1

rounds=3 frames=600
build="${VAE_BUILD:-build}"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
        --frames) frames="${2:?--frames needs a value}"; shift 2 ;;
        --build) build="${2:?--build needs a directory}"; shift 2 ;;
        *) echo "bench-draw.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
exe="$build/vae-explorer"
[ -x "$exe" ] || { echo "bench-draw.sh: $exe not built" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# script TOOLS: the events (TOOLS = 1: D and U on)
script() {
    local f=5 half=$((frames / 2)) k=0
    [ "$1" = 1 ] && echo "3 key d"
    while [ $f -lt $half ]; do
        if [ $((k % 2)) = 0 ]; then
            echo "$f drag left 820 330 940 450"
        else
            echo "$f drag right 940 330 820 450"
        fi
        f=$((f + 2)) k=$((k + 1))
    done
    echo "$f drag left 880 320 860 460"
    [ "$1" = 1 ] && echo "$((f + 1)) key u"
    f=$((f + 4))
    while [ $f -lt $((frames - 5)) ]; do
        for dy in 50 56 62; do
            echo "$f drag left 17 $((720 + dy)) 85 $((720 + dy))"
            f=$((f + 1))
        done
        [ "$1" = 1 ] && echo "$f key j"
        f=$((f + 67))
    done
}
script 1 >"$T/tools.txt"
script 0 >"$T/plain.txt"

run() { # run NAME: the stats line
    timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" "$exe" --frames "$frames" --stats \
        --script "$T/$1.txt" 2>"$T/$1.err" | tr '\n' ' '
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
for r in $(seq "$rounds"); do
    for name in tools plain; do
        line=$(run $name)
        [ -n "$line" ] || { echo "bench-draw.sh: the $name run failed: $(head -c 300 "$T/$name.err")" >&2; exit 1; }
        for f in p50_ms p99_ms cpu_p50_ms cpu_p99_ms; do
            echo "$line" | field $f >>"$T/$name.$f"
        done
        echo "round $r $name: $line"
    done
done
for name in tools plain; do
    line="median $name:"
    for f in p50_ms p99_ms cpu_p50_ms cpu_p99_ms; do
        line="$line $f=$(median <"$T/$name.$f")"
    done
    echo "$line"
done
for f in p50_ms p99_ms cpu_p50_ms cpu_p99_ms; do
    printf "ratio tools/plain %s: " $f
    awk -v a="$(median <"$T/tools.$f")" -v b="$(median <"$T/plain.$f")" 'BEGIN {printf "%.2f\n", a / b}'
done
