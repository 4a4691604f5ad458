#!/usr/bin/env bash
# Build every libFuzzer target (tests/fuzz_*.c; clang, ASan + UBSan, library instrumented)
# into build-fuzz/ and run each on a fresh copy of its seed corpus, all in parallel.
#   scripts/fuzz.sh [SECONDS] [LIBFUZZER_ARGS...]     SECONDS per target (default
#                                                     $FUZZ_SECONDS or 60; 0 = no limit)
#   scripts/fuzz.sh 0 -runs=10000000                  the long run: 10 million executions
#   FUZZ_TARGETS="idx script" scripts/fuzz.sh ...     only these targets
# Seeds: tests/fuzz_corpus/<name>/ for fuzz_<name>. Corpora grow in build-fuzz/corpus/,
# findings (crash-*, leak-*, timeout-*, oom-*) land in build-fuzz/artifacts/ and fail the
# run (an earlier run's are moved to build-fuzz/artifacts/earlier/ first). One line per target: executions, exec/s, corpus growth, result. Built without
# NDEBUG: the targets' assert()s are checks.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
SECS=${1:-${FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
B=${VAE_FUZZ_BUILD:-build-fuzz}
command -v clang >/dev/null || { echo "fuzz: clang not found (scripts/setup.sh installs it)" >&2; exit 1; }

names=()
for src in tests/fuzz_*.c; do
    [ -e "$src" ] || continue
    n=$(basename "$src" .c)
    n=${n#fuzz_}
    if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $n "* ]]; then continue; fi
    names+=("$n")
done
[ ${#names[@]} -gt 0 ] || { echo "fuzz: no tests/fuzz_*.c targets${FUZZ_TARGETS:+ named $FUZZ_TARGETS}" >&2; exit 1; }

mkdir -p "$B"
if ! { CC=clang cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAE_FUZZ=ON \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DVAE_APP=OFF >"$B/configure.log" 2>&1 &&
    cmake --build "$B" -j"$(nproc)" --target "${names[@]/#/fuzz_}" >"$B/build.log" 2>&1; }; then
    cat "$B/configure.log" "$B/build.log" 2>/dev/null | grep -E "error|Error" | head -20 >&2
    echo "fuzz: build failed (logs: $B/configure.log, $B/build.log)" >&2
    exit 1
fi

mkdir -p "$B/artifacts" "$B/logs"
limit=()
[ "$SECS" -gt 0 ] && limit=(-max_total_time="$SECS")
pids=()
for n in "${names[@]}"; do
    # an earlier run's findings are kept, out of this run's way
    for f in "$B/artifacts/$n-"*; do
        [ -e "$f" ] && mkdir -p "$B/artifacts/earlier" && mv "$f" "$B/artifacts/earlier/"
    done
    rm -rf "$B/corpus/$n"
    mkdir -p "$B/corpus/$n"
    [ -d "tests/fuzz_corpus/$n" ] && cp -r "tests/fuzz_corpus/$n/." "$B/corpus/$n/"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: the parsers must never
    # allocate what the input merely claims.
    (cd "$B" && exec "./fuzz_$n" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="artifacts/$n-" "$@" "corpus/$n" \
        >"logs/$n.log" 2>&1) &
    pids+=($!)
done

fail=0
for i in "${!names[@]}"; do
    n=${names[$i]}
    wait "${pids[$i]}"
    rc=$?
    log=$B/logs/$n.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    seeds=$(find "tests/fuzz_corpus/$n" -type f 2>/dev/null | wc -l)
    corpus=$(find "$B/corpus/$n" -type f | wc -l)
    found=$(find "$B/artifacts" -maxdepth 1 -name "$n-*" -type f | wc -l)
    if [ $rc -eq 0 ] && [ "$found" -eq 0 ] && [ -n "$runs" ]; then
        echo "fuzz: fuzz_$n: ${runs} executions (${rate}/s), corpus $seeds -> $corpus, no findings"
    else
        fail=1
        echo "fuzz: fuzz_$n: FAILED (status $rc, ${runs:-?} executions, $found artifact(s) in $B/artifacts)"
        grep -E -A30 "ERROR: |SUMMARY: |runtime error" "$log" | head -40
    fi
done
exit $fail
