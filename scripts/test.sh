#!/usr/bin/env bash
# The whole test suite (after scripts/setup.sh), in four stages:
#   ctest  CTest on the Release build: unit, integration, UI (explorer under Xvfb), the
#          kill test, the bad-input table, the PyTorch cross-checks
#   asan   ASan + UBSan + LeakSanitizer: the suite except label "slow", every `vae`
#          command, the explorer (scripts/sanitize.sh asan)
#   tsan   ThreadSanitizer: trainer -> renderer hand-off and an explorer session
#          (scripts/sanitize.sh tsan)
#   fuzz   every libFuzzer target for FUZZ_SECONDS (default 45) each (scripts/fuzz.sh)
# Every stage runs even if an earlier one failed; each ends with one result line, then a
# summary. The exit status is 0 only if every stage passed; the last line printed is the
# Release CTest summary. Env: VAE_BUILD_DIR (default build), FUZZ_SECONDS,
# VAE_STAGES (default "ctest asan tsan fuzz").
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${VAE_BUILD_DIR:-build}
STAGES=${VAE_STAGES:-ctest asan tsan fuzz}
export FUZZ_SECONDS=${FUZZ_SECONDS:-45}

declare -A RESULT TIME
failed=0
ctest_summary="(CTest stage not run)"
stage() { # NAME CMD...: run, time, record
    local name=$1 t0=$SECONDS rc
    shift
    echo "==== test.sh: stage $name: $*"
    "$@"
    rc=$?
    TIME[$name]=$((SECONDS - t0))
    if [ $rc -eq 0 ]; then RESULT[$name]=passed; else RESULT[$name]="FAILED (status $rc)"; failed=1; fi
    echo "==== test.sh: stage $name ${RESULT[$name]} in ${TIME[$name]} s"
}

release_ctest() {
    ctest --test-dir "$BUILD" --output-on-failure -j2 --timeout 1500 2>&1 | tee "$BUILD/ctest.log"
    local rc=${PIPESTATUS[0]}
    ctest_summary=$(grep -E "tests passed, [0-9]+ tests? failed out of" "$BUILD/ctest.log" | tail -1)
    [ -n "$ctest_summary" ] || ctest_summary="(no CTest summary: see $BUILD/ctest.log)"
    return "$rc"
}

for s in $STAGES; do
    case $s in
    ctest) stage ctest release_ctest ;;
    asan) stage asan scripts/sanitize.sh asan ;;
    tsan) stage tsan scripts/sanitize.sh tsan ;;
    fuzz) stage fuzz scripts/fuzz.sh "$FUZZ_SECONDS" ;;
    *) echo "test.sh: unknown stage $s" >&2; failed=1 ;;
    esac
done

echo "==== test.sh: summary"
for s in $STAGES; do
    [ -n "${RESULT[$s]:-}" ] && printf '  %-6s %-24s %5d s\n' "$s" "${RESULT[$s]}" "${TIME[$s]}"
done
[ $failed -eq 0 ] && echo "all stages passed" || echo "SOME STAGES FAILED"
echo "$ctest_summary"
exit $failed
