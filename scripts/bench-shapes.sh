#!/usr/bin/env bash
# Does a step's cost grow as its FLOP count says? `vae bench` at the reference shape and at
# other latent sizes and widths, interleaved in rounds (a shared host drifts), medians.
#
#   scripts/bench-shapes.sh [--rounds N] [--seconds S] [--threads T] [--build DIR]
#
# Prints one row per shape: MFLOP per sample (forward + backward), samples/s, and the
# cost per sample and the FLOPs per sample, both relative to the reference 512,256 / 2;
# cost_per_flop = cost ratio / FLOP ratio (1.00 = exactly as the FLOPs say; small shapes
# use the cores less well, so expect > 1 below the reference and <= 1 above it).
# Never asserts on time: exit 0 unless a run failed (1), 2 on bad usage.
set -u
cd "$(dirname "$0")/.." || exit 1
rounds=3 secs=2 threads=1
build="${VAE_BUILD:-build}"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="${2:?}"; shift 2 ;;
        --seconds) secs="${2:?}"; shift 2 ;;
        --threads) threads="${2:?}"; shift 2 ;;
        --build) build="${2:?}"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-shapes.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -x "$build/vae" ] || { echo "bench-shapes.sh: $build/vae not found" >&2; exit 1; }
shapes=("512,256 2" "512,256 8" "512,256 32" "256,128 2" "1024,512 2" "1024,512 32" "512,512,256 2")
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for r in $(seq 1 "$rounds"); do
    for sh in "${shapes[@]}"; do
        set -- $sh
        line=$("$build/vae" bench --threads "$threads" --seconds "$secs" --hidden "$1" --latent "$2" 2>&1 | grep 'samples_per_s=')
        sps=$(printf '%s\n' "$line" | sed -n 's/^samples_per_s=\([0-9.]*\) gflops=\([0-9.]*\).*/\1 \2/p')
        [ -n "$sps" ] || { echo "bench-shapes.sh: vae bench --hidden $1 --latent $2 failed" >&2; exit 1; }
        echo "$1 $2 $sps" >> "$tmp"
    done
done
printf '%-12s %6s %12s %10s %10s %10s %14s\n' hidden latent MFLOP/sample samples/s cost_ratio flop_ratio cost_per_flop
for sh in "${shapes[@]}"; do
    set -- $sh
    awk -v h="$1" -v l="$2" '$1 == h && $2 == l { print $3, $4 * 1e3 / $3 }' "$tmp" | sort -g |
        awk '{ s[NR] = $1; f[NR] = $2 } END { m = int((NR + 1) / 2); print s[m], f[m] }'
done > "$tmp.med"
paste -d' ' <(printf '%s\n' "${shapes[@]}") "$tmp.med" | awk '
    NR == 1 { rs = $3; rf = $4 }
    { cr = rs / $3; fr = $4 / rf
      printf "%-12s %6s %12.2f %10.0f %10.2f %10.2f %14.2f\n", $1, $2, $4, $3, cr, fr, cr / fr }'
rm -f "$tmp.med"
