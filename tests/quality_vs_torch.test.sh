#!/usr/bin/env bash
# Model quality against the PyTorch reference (SPEC §8), both trained in this same run:
#   1. ours:  vae train --kind vae --epochs E --seed S, then vae eval on the test split
#   2. torch: scripts/torch_ref.py train --kind vae --epochs E --seed S (same settings)
#   pass if ours_neg_elbo <= torch_neg_elbo + 1.0 (means over the seeds)
#   3. ours:  vae train --kind ae --epochs E --seed (first S), vae eval
#   pass if ae_recon < vae_recon (the plain AE reconstructs better; the VAE pays for a prior)
# E = $VAE_QUALITY_EPOCHS (default 30), S in $VAE_QUALITY_SEEDS (default "0 1 2"; seed-to-seed
# spread of one 2-D VAE run is ~2 nats, so "0 1 2" makes the comparison much less noisy).
# Env from tests.cmake: VAE_BUILD, VAE_DATA_DIR, VAE_TMP. Run from the repository root.
# Prints every figure, then "N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1

build="${VAE_BUILD:-build}"
data="${VAE_DATA_DIR:-data/mnist}"
tmp="${VAE_TMP:-/tmp}"
epochs="${VAE_QUALITY_EPOCHS:-30}"
seeds="${VAE_QUALITY_SEEDS:-0 1 2}"
margin=1.0
vae="$build/vae"
py=/usr/bin/python3
mkdir -p "$tmp"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
kv() { printf '%s\n' "$2" | tr ' \t' '\n\n' | sed -n "s/^$1=//p" | head -n 1; }
isnum() { [[ "$1" =~ ^-?[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$ ]]; }
# evalline: the last neg_elbo= line of a command's stdout
evalline() { grep 'neg_elbo=' | tail -n 1; }

[ -x "$vae" ] || { fail "vae binary: $vae not found"; finish; }
if [ ! -e "$data/train-images-idx3-ubyte" ] && [ ! -e "$data/train-images-idx3-ubyte.gz" ]; then
    fail "data: no IDX files in $data (run scripts/fetch-data.sh)"
    finish
fi
echo "quality vs torch: data=$data epochs=$epochs seeds=$seeds margin=$margin nats"

ours_list="" torch_list="" ours="" torch=""
for seed in $seeds; do
    # ---- 1. ours, VAE ------------------------------------------------------------------
    t0=$(date +%s)
    f="$tmp/quality-vae-s$seed"
    if "$vae" train --data "$data" --kind vae --epochs "$epochs" --seed "$seed" \
            --out "$f.safetensors" >"$f.train.log" 2>&1; then
        line=$("$vae" eval --data "$data" --model "$f.safetensors" 2>"$f.eval.err" | evalline)
    else
        line=""
        echo "vae train (vae, seed $seed) failed:"; tail -n 5 "$f.train.log"
    fi
    echo "ours  vae seed $seed ($(( $(date +%s) - t0 )) s): ${line:-<none>}"
    [ -z "$ours" ] && ours=$line
    ours_list="$ours_list $(kv neg_elbo "$line")"

    # ---- 2. torch, VAE -----------------------------------------------------------------
    t0=$(date +%s)
    f="$tmp/quality-torch-vae-s$seed"
    line=$("$py" scripts/torch_ref.py train --data "$data" --kind vae --epochs "$epochs" \
           --seed "$seed" --out "$f.safetensors" 2>"$f.train.log" | evalline)
    [ -n "$line" ] || { echo "torch_ref.py train (seed $seed) failed:"; tail -n 5 "$f.train.log"; }
    echo "torch vae seed $seed ($(( $(date +%s) - t0 )) s): ${line:-<none>}"
    [ -z "$torch" ] && torch=$line
    torch_list="$torch_list $(kv neg_elbo "$line")"
    # for information: our evaluator on the torch-trained checkpoint
    if [ -n "$line" ]; then
        cross=$("$vae" eval --data "$data" --model "$f.safetensors" 2>/dev/null | evalline)
        echo "  ours evaluating that torch checkpoint: ${cross:-<failed>}"
    fi
done

# ---- 3. ours, AE (first seed) ----------------------------------------------------------
t0=$(date +%s)
if "$vae" train --data "$data" --kind ae --epochs "$epochs" --seed "${seeds%% *}" \
        --out "$tmp/quality-ae.safetensors" >"$tmp/quality-ae.train.log" 2>&1; then
    ae=$("$vae" eval --data "$data" --model "$tmp/quality-ae.safetensors" 2>"$tmp/quality-ae.eval.err" | evalline)
else
    ae=""
    echo "vae train (ae) failed:"; tail -n 5 "$tmp/quality-ae.train.log"
fi
echo "ours  ae   ($(( $(date +%s) - t0 )) s): ${ae:-<none>}"

# ---- verdicts --------------------------------------------------------------------------
# mean over seeds (every seed must have produced a figure)
mean() {
    awk -v n="$(echo $seeds | wc -w)" '{ for (i = 1; i <= NF; i++) { s += $i; k++ } }
        END { if (k == n && k > 0) printf "%.2f", s / k }' <<<"$1"
}
o=$(mean "$ours_list"); t=$(mean "$torch_list")
[ "$(echo $seeds | wc -w)" -gt 1 ] && echo "neg_elbo per seed: ours$ours_list; torch$torch_list"
if isnum "$o" && isnum "$t"; then
    diff=$(awk -v a="$o" -v b="$t" 'BEGIN { printf "%+.2f", a - b }')
    if awk -v a="$o" -v b="$t" -v m="$margin" 'BEGIN { exit !(a <= b + m) }'; then
        pass "ours_neg_elbo=$o <= torch_neg_elbo=$t + $margin (diff $diff)"
    else
        fail "ours_neg_elbo=$o > torch_neg_elbo=$t + $margin (diff $diff)"
    fi
else
    fail "neg_elbo figures missing (ours='$o' torch='$t')"
fi

vr=$(kv recon "$ours"); ar=$(kv recon "$ae")
if isnum "$vr" && isnum "$ar"; then
    if awk -v a="$ar" -v v="$vr" 'BEGIN { exit !(a < v) }'; then
        pass "ae_recon=$ar < vae_recon=$vr"
    else
        fail "ae_recon=$ar >= vae_recon=$vr"
    fi
else
    fail "recon figures missing (ae='$ar' vae='$vr')"
fi
finish
