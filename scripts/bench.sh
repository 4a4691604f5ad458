#!/usr/bin/env bash
# Training throughput, side by side in one run (SPEC §8): our `vae bench` against the PyTorch
# reference (scripts/torch_ref.py bench, Debian's python3-torch), same architecture, same
# batch, each at every thread count of the list (torch: every split of them between its own
# pool and OpenBLAS's), best of each compared; for the reference MLP and then for the conv
# architecture (Keras's convolutional VAE, --arch conv).
#
#   scripts/bench.sh [--seconds S] [--threads "1 2"] [--batch 128] [--arch "mlp conv"]
#                    [--build DIR]
#
# Prints a table per architecture, then
#   ratio_vs_torch=X.XX            mlp: ours best samples/s / torch best (target >= 1, aim 1.3)
#   fraction_of_sgemm_limit=X.XX   mlp: `vae bench`'s sgemm_fraction at our best thread count:
#                                  the median over 10 alternating slices of training and of
#                                  the same GEMMs alone (target >= 0.85)
#   conv_ratio_vs_torch=X.XX       the same for the conv architecture (target >= 2)
#   conv_fraction_of_sgemm_limit=X.XX
# Never asserts on time: exit 0 unless something failed to run (then 1), 2 on bad usage.
set -u
cd "$(dirname "$0")/.." || exit 1

secs=10
threads="1 2"
batch=128
archs="mlp conv"
build="${VAE_BUILD:-build}"
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) secs="${2:?--seconds needs a value}"; shift 2 ;;
        --seconds=*) secs="${1#*=}"; shift ;;
        --threads) threads="${2:?--threads needs a list}"; shift 2 ;;
        --threads=*) threads="${1#*=}"; shift ;;
        --batch) batch="${2:?--batch needs a value}"; shift 2 ;;
        --batch=*) batch="${1#*=}"; shift ;;
        --arch) archs="${2:?--arch needs a list}"; shift 2 ;;
        --arch=*) archs="${1#*=}"; shift ;;
        --build) build="${2:?--build needs a directory}"; shift 2 ;;
        --build=*) build="${1#*=}"; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
threads="${threads//,/ }"

vae="$build/vae"
py=/usr/bin/python3
status=0

# kv KEY LINE -> the value of KEY=... in a `k=v k=v` line (empty if absent)
kv() { printf '%s\n' "$2" | tr ' \t' '\n\n' | sed -n "s/^$1=//p" | head -n 1; }
isnum() { [[ "$1" =~ ^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$ ]]; }
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# bench_arch ARCH: both implementations at every thread count, the table and the ratios
# (their keys prefixed "conv_" for the conv architecture)
bench_arch() {
    local arch=$1 pre="" t out rc line sps gf lim split
    [ "$arch" = mlp ] || pre="${arch}_"
    local rows=()
    local ours_best="" ours_best_t="" ours_best_frac=""
    local torch_best="" torch_best_t="" torch_best_split=""

    if [ ! -x "$vae" ]; then
        echo "bench.sh: $vae not found or not executable (build first, or pass --build DIR)" >&2
        status=1
    else
        for t in $threads; do
            out=$("$vae" bench --arch "$arch" --threads "$t" --batch "$batch" --seconds "$secs" \
                  2>/tmp/bench.sh.$$.err)
            rc=$?
            line=$(printf '%s\n' "$out" | grep 'samples_per_s=' | tail -n 1)
            sps=$(kv samples_per_s "$line")
            if [ $rc -ne 0 ] || ! isnum "$sps"; then
                echo "bench.sh: '$vae bench --threads $t' failed (status $rc):" >&2
                cat /tmp/bench.sh.$$.err >&2
                status=1
                continue
            fi
            gf=$(kv gflops "$line")
            lim=$(kv sgemm_limit_samples_per_s "$line")
            rows+=("$(printf '%-6s %7s %14s %8s %16s' ours "$t" "$sps" "${gf:--}" "${lim:--}")")
            if [ -z "$ours_best" ] || gt "$sps" "$ours_best"; then
                ours_best=$sps ours_best_t=$t ours_best_frac=$(kv sgemm_fraction "$line")
            fi
        done
        rm -f /tmp/bench.sh.$$.err
    fi

    for t in $threads; do
        out=$("$py" scripts/torch_ref.py bench --arch "$arch" --threads "$t" --batch "$batch" \
              --seconds "$secs" 2>/tmp/bench.sh.$$.err)
        rc=$?
        line=$(printf '%s\n' "$out" | grep 'samples_per_s=' | tail -n 1)
        sps=$(kv samples_per_s "$line")
        if [ $rc -ne 0 ] || ! isnum "$sps"; then
            echo "bench.sh: 'torch_ref.py bench --threads $t' failed (status $rc):" >&2
            cat /tmp/bench.sh.$$.err >&2
            status=1
            continue
        fi
        split="torch_threads=$(kv torch_threads "$line") blas_threads=$(kv blas_threads "$line")"
        rows+=("$(printf '%-6s %7s %14s %8s %16s  %s' torch "$t" "$sps" - - "$split")")
        if [ -z "$torch_best" ] || gt "$sps" "$torch_best"; then
            torch_best=$sps torch_best_t=$t torch_best_split=$split
        fi
    done
    rm -f /tmp/bench.sh.$$.err

    if [ "$arch" = conv ]; then
        echo "conv VAE (Keras's: conv 32, 64 s2 -> dense 16 -> 2; dense 3136 -> convT 64, 32 s2 -> 1), batch $batch, ${secs}s per setting, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
    else
        echo "reference VAE 784-512-256-2, batch $batch, ${secs}s per setting, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
    fi
    printf '%-6s %7s %14s %8s %16s\n' impl threads samples_per_s gflops sgemm_limit
    for r in "${rows[@]}"; do echo "$r"; done
    [ -n "$ours_best" ] && echo "${pre}ours_best_samples_per_s=$ours_best threads=$ours_best_t"
    [ -n "$torch_best" ] && echo "${pre}torch_best_samples_per_s=$torch_best threads=$torch_best_t $torch_best_split"
    if [ -n "$ours_best" ] && [ -n "$torch_best" ]; then
        echo "${pre}ratio_vs_torch=$(awk -v a="$ours_best" -v b="$torch_best" 'BEGIN { printf "%.2f", a / b }')"
    else
        echo "${pre}ratio_vs_torch=NA"
    fi
    if [ -n "$ours_best" ] && isnum "$ours_best_frac"; then
        echo "${pre}fraction_of_sgemm_limit=$(awk -v a="$ours_best_frac" 'BEGIN { printf "%.2f", a }')"
    else
        echo "${pre}fraction_of_sgemm_limit=NA"
    fi
}

for arch in $archs; do
    case "$arch" in
        mlp|conv) bench_arch "$arch" ;;
        *) echo "bench.sh: --arch must list mlp and/or conv, got $arch" >&2; exit 2 ;;
    esac
done
exit $status
