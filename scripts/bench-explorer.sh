#!/usr/bin/env bash
# The explorer's figures of SPEC §8 in one run: frame times while both models train, and
# training throughput in the window against `vae bench` alone on the same machine.
#
#   scripts/bench-explorer.sh [--rounds N] [--frames F] [--seconds S] [--build DIR] [--four]
#                             [--tools] [--pca] [-- ARGS]
#
# ARGS go to vae-explorer (e.g. -- --dataset fashion: 10,000 test points; -- --arch conv:
# the convolutional models, and then the headless reference benches them too).
# --four: four panes, four models training (the VAE, the AE, forks with beta=4 and with
#   likelihood=gaussian), with the prior samples (Z), attribute vectors (V) and traversals
#   (T) on from the first frames; the headless reference stays the VAE and AE benches.
# --tools: the two panes (C) with every tool of the plane on from the first frames: prior
#   samples (Z), attribute vectors (V), traversals (T), posterior decodes (E), q(z) against
#   the prior (M), the grid (G), the same z in both panes (B) and an interpolation (L and a
#   left drag across the plane).
# --pca: a PCA beside the VAE and the AE (vae-explorer --pca: a third pane, not trained; with
#   --tools, the three panes with the tools on); not with --four (five models). The
#   reference stays the VAE and AE benches.
# Each round runs, one after the other, at 1280x800 under xvfb-run (or your display), F
# frames each (default 3600, a minute: new latents every half second make about 120 whole
# redraws, whose p99 is then not simply the slowest of them):
#   vae-explorer --frames F --stats with the cursor still: the only frames drawn are those
#   a new snapshot brings (the whole panel, or everything when the latents moved), the
#   whole redraws of SPEC §8 (target p99 <= 8 ms MNIST, 12 ms Fashion); still_p99_ms is
#   over every frame drawn (whole, the panel, strips decoded again, a plot's new grid),
#   still_whole_p99_ms over those drawn whole alone (- from builds without it);
#   vae-explorer --frames F --stats with the cursor circling the plane (compare mode, both
#   models drawn, from the middle): every frame drawn (target p99 <= 16.7 ms);
#   vae bench --kind vae and --kind ae --seconds S (default thread count, as the
#   explorer's). The window alternates one step of each model and counts both models'
#   samples, so its headless reference is the two benches' harmonic mean,
#   2 / (1/vae + 1/ae): the same work, step for step, with nothing else running (with
#   --four, three VAE-sized models and the AE: 4 / (3/vae + 1/ae)).
# Prints one line per round and then, over all rounds (medians):
#   still_p99_ms=X  still_whole_p99_ms=X  moving_p99_ms=X  fps=X  window_samples_per_s=X  bench_samples_per_s=X
#   train_fraction_of_bench=X.XX   median over rounds of window / bench (each round's own
#                                  pair, from the moving run; target >= 0.75)
#   fraction_of_vae_bench=X.XX     the same against the VAE's bench alone
#   peak_rss_mb=X                  the largest of the runs' peaks
# Never asserts on time: exit 0 unless something failed to run (then 1), 2 on bad usage.
set -u
cd "$(dirname "$0")/.." || exit 1

rounds=3 frames=3600 secs=10 four=0 tools=0 pca=0
build="${VAE_BUILD:-build}"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
        --frames) frames="${2:?--frames needs a value}"; shift 2 ;;
        --seconds) secs="${2:?--seconds needs a value}"; shift 2 ;;
        --build) build="${2:?--build needs a directory}"; shift 2 ;;
        --four) four=1; shift ;;
        --tools) tools=1; shift ;;
        --pca) pca=1; shift ;;
        --) shift; break ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-explorer.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$rounds" "$frames" "$secs"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench-explorer.sh: '$v' is not a positive integer" >&2; exit 2; }
done
for exe in "$build/vae" "$build/vae-explorer"; do
    [ -x "$exe" ] || { echo "bench-explorer.sh: $exe not found (build first, or pass --build DIR)" >&2; exit 1; }
done

[ "$four" = 1 ] && [ "$pca" = 1 ] && { echo "bench-explorer.sh: --four or --pca, not both" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the cursor circles the middle of the plane, one step per frame; compare mode halfway
# (--four: compare mode and the tools from the start)
tool_keys="c z v t"
[ "$tools" = 1 ] && tool_keys="c z v t e m g b l"
awk -v n="$frames" -v four="$four" -v tools="$tools" -v tk="$tool_keys" 'BEGIN {
    nk = split(tk, keys, " ")
    for (i = 0; i < n + 100; i++) {
        printf "%d move %d %d\n", i, 410 + 250 * cos(i * 3.14159265 / 120), 397 + 250 * sin(i * 3.14159265 / 120)
        if ((four || tools) && i >= 1 && i <= nk) printf "%d key %s\n", i, keys[i]
        if (tools && i == nk + 1) printf "%d drag left 150 200 600 500\n", i
        if (!four && !tools && i == int(n / 2)) printf "%d key c\n", i
    }
}' > "$tmp/circle.script"
echo "0 move 410 397" > "$tmp/still.script"
if [ "$four" = 1 ] || [ "$tools" = 1 ]; then
    k=1
    for key in $tool_keys; do echo "$k key $key"; k=$((k + 1)); done >> "$tmp/still.script"
    [ "$tools" = 1 ] && echo "$k drag left 150 200 600 500" >> "$tmp/still.script"
    echo "$((k + 1)) move 200 300" >> "$tmp/still.script" # on the first pane's plot
fi
[ "$four" = 1 ] && set -- --fork beta=4 --fork likelihood=gaussian "$@"
[ "$pca" = 1 ] && set -- --pca "$@"
bench_arch=mlp
prev=""
for a in "$@"; do [ "$prev" = --arch ] && bench_arch=$a; prev=$a; done
arch_flag=() # only when not the default, so that older builds (before --arch) bench too
[ "$bench_arch" != mlp ] && arch_flag=(--arch "$bench_arch")

run_window() {
    if [ -n "${DISPLAY:-}" ] || [ -n "${SDL_VIDEODRIVER:-}" ]; then
        "$build/vae-explorer" "$@"
    else
        xvfb-run -a -s "-screen 0 1600x1000x24" "$build/vae-explorer" "$@"
    fi
}
kv() { printf '%s\n' "$2" | tr ' \t' '\n\n' | sed -n "s/^$1=//p" | head -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$tmp/rows"
for r in $(seq 1 "$rounds"); do
    still_out=$(run_window --frames "$frames" --stats --script "$tmp/still.script" "$@" 2>"$tmp/err")
    still=$(printf '%s\n' "$still_out" | grep 'frames=' | tail -n 1)
    swhole=$(kv whole_p99_ms "$(printf '%s\n' "$still_out" | grep 'drawn=' | tail -n 1)")
    w=$(run_window --frames "$frames" --stats --script "$tmp/circle.script" "$@" 2>>"$tmp/err" | grep 'frames=' | tail -n 1)
    bv=$("$build/vae" bench "${arch_flag[@]}" --kind vae --seconds "$secs" 2>>"$tmp/err" | grep 'samples_per_s=' | tail -n 1)
    ba=$("$build/vae" bench "${arch_flag[@]}" --kind ae --seconds "$secs" 2>>"$tmp/err" | grep 'samples_per_s=' | tail -n 1)
    p99=$(kv p99_ms "$w") fps=$(kv fps "$w") wsps=$(kv train_samples_per_s "$w")
    sp99=$(kv p99_ms "$still") rss=$(kv peak_rss_mb "$w") srss=$(kv peak_rss_mb "$still")
    vsps=$(kv samples_per_s "$bv") asps=$(kv samples_per_s "$ba")
    bsps=""
    [ -n "$vsps" ] && [ -n "$asps" ] && bsps=$(awk -v v="$vsps" -v a="$asps" -v nv=$((1 + 2 * four)) 'BEGIN { printf "%.0f", (nv + 1) / (nv / v + 1 / a) }')
    if [ -z "$p99" ] || [ -z "$sp99" ] || [ -z "$wsps" ] || [ -z "$bsps" ]; then
        echo "bench-explorer.sh: round $r failed:" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    frac=$(awk -v w="$wsps" -v b="$bsps" 'BEGIN { printf "%.2f", w / b }')
    fvae=$(awk -v w="$wsps" -v b="$vsps" 'BEGIN { printf "%.2f", w / b }')
    printf 'round %d: still_p99_ms=%s still_whole_p99_ms=%s still_frames_drawn_p50_ms=%s moving_p50_ms=%s moving_p99_ms=%s fps=%s window_samples_per_s=%s bench_vae=%s bench_ae=%s bench_samples_per_s=%s fraction=%s peak_rss_mb=%s/%s load=%s\n' \
        "$r" "$sp99" "${swhole:--}" "$(kv p50_ms "$still")" "$(kv p50_ms "$w")" "$p99" "$fps" "$wsps" "$vsps" "$asps" "$bsps" "$frac" "$srss" "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
    echo "$p99 $fps $wsps $bsps $frac $fvae $sp99 ${rss:-0} ${srss:-0} ${swhole:-0}" >> "$tmp/rows"
done
p99=$(awk '{print $1}' "$tmp/rows" | median)
fps=$(awk '{print $2}' "$tmp/rows" | median)
wsps=$(awk '{print $3}' "$tmp/rows" | median)
bsps=$(awk '{print $4}' "$tmp/rows" | median)
echo "still_p99_ms=$(awk '{print $7}' "$tmp/rows" | median) still_whole_p99_ms=$(awk '{print $10}' "$tmp/rows" | median) moving_p99_ms=$p99 fps=$fps window_samples_per_s=$wsps bench_samples_per_s=$bsps"
echo "train_fraction_of_bench=$(awk '{print $5}' "$tmp/rows" | median)"
echo "fraction_of_vae_bench=$(awk '{print $6}' "$tmp/rows" | median)"
echo "peak_rss_mb=$(awk '{print ($8 > $9 ? $8 : $9)}' "$tmp/rows" | sort -g | tail -n 1)"
