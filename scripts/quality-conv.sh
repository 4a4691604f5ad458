#!/usr/bin/env bash
# The conv architecture's quality, measured (issue 15), every model evaluated by `vae eval`:
#   quality   test -ELBO after E epochs: our conv VAE vs the same model in PyTorch
#             (scripts/torch_ref.py --arch conv, its checkpoint scored by vae eval) vs our
#             MLP, each over the seeds; means and spreads
#   binarize  --binarize (dynamic binarisation) conv and MLP VAEs, seed 0, scored by
#             vae eval --binarize --iw K (the literature's binarised-MNIST figure)
#   flows     --flow planar:8 against none, on both architectures, over the seeds, scored by
#             vae eval --iw K
#
#   scripts/quality-conv.sh [--phase quality|binarize|flows|all] [--epochs 30]
#       [--seeds "0 1 2"] [--jobs 2] [--iw-binarize 5000] [--iw-flows 1000]
#       [--flow-epochs E] [--archs "mlp conv"] [--out DIR] [--build DIR] [--data DIR]
#
# --archs: the architectures of the binarize and flows phases (to give each its own
# --epochs, --seeds and --iw in separate runs: a conv --iw costs ten times an MLP's).
#
# Runs --jobs trainings at a time, one thread each. Prints one line per run, then per phase
# the means (e.g. "quality conv_ours_mean=... conv_torch_mean=... mlp_ours_mean=...").
# Never asserts: exit 0 unless a run failed (1), 2 on bad usage.
set -u
cd "$(dirname "$0")/.." || exit 1

phase=all epochs=30 seeds="0 1 2" jobs=2 iw_bin=5000 iw_flows=1000 flow_epochs="" archs="mlp conv"
out="${VAE_TMP:-/tmp}/quality-conv" build="${VAE_BUILD:-build}" data="${VAE_DATA_DIR:-data/mnist}"
while [ $# -gt 0 ]; do
    case "$1" in
        --phase) phase="${2:?}"; shift 2 ;;
        --epochs) epochs="${2:?}"; shift 2 ;;
        --seeds) seeds="${2:?}"; shift 2 ;;
        --jobs) jobs="${2:?}"; shift 2 ;;
        --iw-binarize) iw_bin="${2:?}"; shift 2 ;;
        --iw-flows) iw_flows="${2:?}"; shift 2 ;;
        --flow-epochs) flow_epochs="${2:?}"; shift 2 ;;
        --archs) archs="${2:?}"; shift 2 ;;
        --out) out="${2:?}"; shift 2 ;;
        --build) build="${2:?}"; shift 2 ;;
        --data) data="${2:?}"; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "quality-conv.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$phase" in quality|binarize|flows|all) ;; *) echo "quality-conv.sh: bad --phase $phase" >&2; exit 2 ;; esac
flow_epochs="${flow_epochs:-$epochs}"
vae="$build/vae"
py=/usr/bin/python3
mkdir -p "$out"
status=0
export OPENBLAS_NUM_THREADS=1

kv() { printf '%s\n' "$2" | tr ' \t' '\n\n' | sed -n "s/^$1=//p" | head -n 1; }
# mean_sd FILE KEY: "mean sd n" of KEY over the files' eval lines
mean_sd() {
    local key=$1; shift
    for f in "$@"; do [ -s "$f" ] && kv "$key" "$(grep 'neg_elbo=' "$f" | tail -n 1)"; done |
        awk 'NF { s += $1; q += $1 * $1; n++ }
             END { if (!n) { print "NA NA 0"; exit } m = s / n; v = n > 1 ? (q - n * m * m) / (n - 1) : 0;
                   printf "%.2f %.2f %d\n", m, (v > 0 ? sqrt(v) : 0), n }'
}
# run NAME CMD...: one job (train then eval) in the background, at most $jobs at a time;
# its output in $out/NAME.log, the eval line in $out/NAME.eval
run() {
    local name=$1; shift
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    ( t0=$(date +%s)
      if "$@" >"$out/$name.log" 2>&1; then
          echo "$name ($(( $(date +%s) - t0 )) s): $(grep 'neg_elbo=' "$out/$name.eval" | tail -n 1)"
      else
          echo "$name FAILED (see $out/$name.log)"; exit 1
      fi ) &
}
# train_eval NAME EVAL_ARGS -- TRAIN_ARGS: ours
train_eval() {
    local name=$1 eval_args=$2; shift 2
    "$vae" train --data "$data" --threads 1 --quiet --out "$out/$name.safetensors" "$@" &&
        "$vae" eval --data "$data" --threads 1 --model "$out/$name.safetensors" $eval_args \
            >"$out/$name.eval"
}
torch_eval() {
    local name=$1; shift
    "$py" scripts/torch_ref.py train --data "$data" --threads 1 --quiet \
        --out "$out/$name.safetensors" "$@" &&
        "$vae" eval --data "$data" --threads 1 --model "$out/$name.safetensors" >"$out/$name.eval"
}
export -f train_eval torch_eval kv
export vae py data out

echo "quality-conv: phase=$phase epochs=$epochs seeds=\"$seeds\" jobs=$jobs data=$data load $(cut -d' ' -f1 /proc/loadavg)"
if [ "$phase" = quality ] || [ "$phase" = all ]; then
    for s in $seeds; do
        run "conv-s$s" train_eval "conv-s$s" "" --arch conv --epochs "$epochs" --seed "$s"
        run "torch-conv-s$s" torch_eval "torch-conv-s$s" --arch conv --epochs "$epochs" --seed "$s"
        run "mlp-s$s" train_eval "mlp-s$s" "" --arch mlp --epochs "$epochs" --seed "$s"
    done
    wait
    c=$(mean_sd neg_elbo $(for s in $seeds; do echo "$out/conv-s$s.eval"; done))
    t=$(mean_sd neg_elbo $(for s in $seeds; do echo "$out/torch-conv-s$s.eval"; done))
    m=$(mean_sd neg_elbo $(for s in $seeds; do echo "$out/mlp-s$s.eval"; done))
    set -- $c; cm=$1 csd=$2 cn=$3; set -- $t; tm=$1 tsd=$2 tn=$3; set -- $m; mm=$1 msd=$2 mn=$3
    echo "quality epochs=$epochs conv_ours_mean=$cm sd=$csd n=$cn conv_torch_mean=$tm sd=$tsd n=$tn mlp_ours_mean=$mm sd=$msd n=$mn"
fi
if [ "$phase" = binarize ] || [ "$phase" = all ]; then
    for a in $archs; do
        run "bin-$a-s0" train_eval "bin-$a-s0" "--binarize --iw $iw_bin" --arch "$a" \
            --binarize --epochs "$epochs" --seed 0
    done
    wait
    for a in $archs; do
        echo "binarize arch=$a epochs=$epochs iw=$iw_bin: $(grep 'neg_elbo=' "$out/bin-$a-s0.eval" 2>/dev/null)"
    done
fi
if [ "$phase" = flows ] || [ "$phase" = all ]; then
    for a in $archs; do
        for s in $seeds; do
            run "flow0-$a-s$s" train_eval "flow0-$a-s$s" "--iw $iw_flows" --arch "$a" \
                --epochs "$flow_epochs" --seed "$s"
            run "flow8-$a-s$s" train_eval "flow8-$a-s$s" "--iw $iw_flows" --arch "$a" \
                --flow planar:8 --epochs "$flow_epochs" --seed "$s"
        done
    done
    wait
    for a in $archs; do
        for k in 0 8; do
            files=$(for s in $seeds; do echo "$out/flow$k-$a-s$s.eval"; done)
            set -- $(mean_sd iwae_nll $files); i=$1 isd=$2 n=$3
            set -- $(mean_sd neg_elbo $files); e=$1
            echo "flows arch=$a planar=$k epochs=$flow_epochs iw=$iw_flows iwae_nll_mean=$i sd=$isd neg_elbo_mean=$e n=$n"
        done
    done
fi
for f in "$out"/*.log; do grep -q "FAILED\|^vae: \|Traceback" "$f" 2>/dev/null && status=1; done
exit $status
