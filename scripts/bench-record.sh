#!/usr/bin/env bash
# What `vae train --record` costs: the same training with and without the flag, one run
# after the other (ABBA for each epoch count), on MNIST. Per run: wall, user and sys
# seconds, the load average before it, and for recorded runs the recorder's own line
# (frames, decoders, size, the wall time of its encodes and saves and their share).
#   scripts/bench-record.sh [EPOCHS...]        default: 30 100
# Figures: docs/performance.md, "Recording a run". Scratch in ${VAE_TMP:-/tmp}.
set -euo pipefail
cd "$(dirname "$0")/.."
VAE=${VAE_BUILD:-build}/vae
DATA=${VAE_DATA_DIR:-data/mnist}
W=$(mktemp -d "${VAE_TMP:-/tmp}/bench-record.XXXXXX")
trap 'rm -rf "$W"' EXIT
run() { # NAME EPOCHS [--record FILE]
    local name=$1 epochs=$2 load
    shift 2
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S" -o "$W/time" "$VAE" train --data "$DATA" --epochs "$epochs" \
        --out "$W/$name.safetensors" "$@" >/dev/null 2>"$W/err"
    read -r wall user sys <"$W/time"
    printf '%-10s epochs=%-4s wall=%-7s user=%-7s sys=%-5s load=%s %s\n' "$name" "$epochs" \
        "$wall" "$user" "$sys" "$load" "$(grep -h '^recorded' "$W/err" || true)"
}
for e in "${@:-30 100}"; do
    for e1 in $e; do
        run "plain" "$e1"
        run "record" "$e1" --record "$W/run.rec"
        run "record" "$e1" --record "$W/run.rec"
        run "plain" "$e1"
    done
done
