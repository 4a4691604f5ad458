#!/bin/bash
# A short soak of the explorer (scripts/soak-explorer.sh: both models training, every key
# and mouse action in a 30 s cycle, S/P/R every third cycle): it must run to the end and
# its peak RSS must not grow after warm-up. The long run (an hour and more) is the same
# script with --minutes; see docs/reliability.md. The run is not recorded (--no-record): a
# recording grows by design up to its budget (test_record checks the budget, and
# docs/performance.md gives the window's RSS with one), which is not the growth this looks for.
# Env: VAE_BUILD (build dir), VAE_DATA_DIR (MNIST IDX dir).
set -u
args=(-- --no-record)
[ -n "${VAE_DATA_DIR:-}" ] && args+=(--data "$VAE_DATA_DIR")
exec scripts/soak-explorer.sh --minutes 2 --warmup 45 --slack 8 --build "${VAE_BUILD:-build}" "${args[@]}"
