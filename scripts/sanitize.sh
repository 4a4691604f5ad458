#!/usr/bin/env bash
# Sanitizer runs (issue 5). Each step prints one "sanitize: ..." line; exit status 0 only
# if every step is clean.
#   scripts/sanitize.sh asan   build-asan/: ASan + UBSan (+ LeakSanitizer), asserts on.
#                              1. the CTest suite except label "slow" (the long PyTorch
#                                 comparisons), with leak checking;
#                              2. every `vae` command once, leak-checked (LSan);
#                              3. the explorer test (tests/explorer.test.sh) and a
#                                 leak-checked scripted explorer run, if the explorer builds.
#   scripts/sanitize.sh tsan   build-tsan/: ThreadSanitizer on the trainer -> renderer
#                              hand-off (tests/test_snapshot.c), the recording's hand-off
#                              (tests/test_replay.c), the trainer's data-parallel pool
#                              (`vae train --threads 3`, each kind) and a scripted explorer
#                              run with both models training, scrubbing and exporting.
#   scripts/sanitize.sh [all]  both.
# Env: VAE_DATA_DIR (default data/mnist), SANITIZE_JOBS (ctest -j, default 2).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
WHAT=${1:-all}
DATA=$(realpath "${VAE_DATA_DIR:-data/mnist}")
JOBS=${SANITIZE_JOBS:-2}
fails=0
say() { echo "sanitize: $*"; }
bad() {
    say "FAILED: $*"
    fails=$((fails + 1))
}
# A sanitizer report anywhere in a log is a failure even if the exit status was 0.
reports() { grep -lE 'ERROR: (Address|Leak|Thread|UndefinedBehavior)Sanitizer|WARNING: ThreadSanitizer|runtime error:' "$@" 2>/dev/null; }

# Build the explorer too when its libraries are installed (they are after scripts/setup.sh).
APP=OFF
pkg-config --exists sdl2 SDL2_ttf fontconfig 2>/dev/null && [ -n "$(ls src/app/*.c 2>/dev/null)" ] && APP=ON

TARGETS=() # empty: build everything
build() { # DIR FLAGS...: configure + build (TARGETS, or all), quietly; log in DIR/build.log
    local dir=$1 tg=()
    shift
    [ ${#TARGETS[@]} -gt 0 ] && tg=(--target "${TARGETS[@]}")
    mkdir -p "$dir"
    if ! { cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAE_APP=$APP "$@" \
        >"$dir/configure.log" 2>&1 &&
        cmake --build "$dir" -j"$(nproc)" "${tg[@]}" >"$dir/build.log" 2>&1; }; then
        grep -hE "error|Error" "$dir/configure.log" "$dir/build.log" | head -20
        bad "build of $dir (logs: $dir/configure.log, $dir/build.log)"
        return 1
    fi
}

# A short scripted explorer session: both models train, the cursor moves, compare mode,
# the grid, AE/VAE toggle, pause / single step / resume, a checkpoint save.
explorer_script() {
    cat <<'EOF'
20 move 400 300
40 key c
60 move 300 420
80 key g
100 key a
120 key space
125 key n
130 key space
140 key s
145 drag left 300 780 60 780
150 key w
165 key end
166 hover 11
168 key shift+t
170 key shift+p
172 key shift+s
175 drag left 60 780 400 780
185 key end
190 move 500 200
230 quit
EOF
}
# timeout goes inside xvfb-run, so a hung explorer is killed and Xvfb still cleaned up.
XVFB=(xvfb-run -a -s "-screen 0 1600x1000x24")

# ---- ASan + UBSan + LSan ------------------------------------------------------------
run_asan() {
    local B=build-asan t0=$SECONDS
    build "$B" -DVAE_ASAN=ON -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" || return
    say "asan: built $B in $((SECONDS - t0)) s (explorer: $APP)"
    export ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # Fewer kills than the Release run: under ASan the point is memory errors, not numbers.
    export KILLS=${ASAN_KILLS:-30}
    export VAE_DATA_DIR=$DATA

    # 1. The suite (the explorer test separately below: system libraries leak at exit).
    t0=$SECONDS
    ctest --test-dir "$B" -LE slow -E '^explorer$' -j"$JOBS" --timeout 1200 --output-on-failure \
        >"$B/ctest.log" 2>&1
    local rc=$?
    local summary
    summary=$(grep -E "tests passed|tests failed" "$B/ctest.log" | tail -1)
    if [ $rc -ne 0 ]; then
        grep -A40 -E '\*\*\*(Failed|Timeout|Exception)' "$B/ctest.log" | head -80
        bad "asan: ctest -LE slow: $summary (log: $B/ctest.log)"
    else
        say "asan: ctest -LE slow: $summary ($((SECONDS - t0)) s)"
    fi

    # 2. Every CLI command, leak-checked.
    t0=$SECONDS
    local T
    T=$(mktemp -d "$ROOT/$B/tmp/cli.XXXXXX")
    python3 - "$T/pkg/src/digits" <<'PY'
import json, os, random, sys
d = sys.argv[1]; os.makedirs(d); r = random.Random(1)
for c in range(10):
    json.dump({"data": [round(r.random(), 3) for _ in range(784 * 5)]}, open(f"{d}/{c}.json", "w"))
PY
    local V=$ROOT/$B/vae M=$T/m.safetensors cmds=0 cli_fail=0
    cli() { # NAME ARGS...
        local name=$1
        shift
        cmds=$((cmds + 1))
        if ! "$V" "$@" >"$T/$name.out" 2>"$T/$name.err" || [ -n "$(reports "$T/$name.err")" ]; then
            cli_fail=1
            echo "--- vae $*"
            head -40 "$T/$name.err"
        fi
    }
    cli import import-mnist-json "$T/pkg" --out "$T/idx"
    cli train train --data "$DATA" --epochs 1 --out "$M"
    cli train_ae train --data "$T/idx" --kind ae --hidden 64 --epochs 2 --out "$T/ae.safetensors" \
        --record "$T/ae.rec"
    cli train_init train --data "$DATA" --init "$M" --epochs 1 --hidden 512,256 --quiet --out "$T/m2.safetensors"
    cli train_pca train --data "$DATA" --kind pca --latent 3 --out "$T/pca.safetensors"
    cli eval_pca eval --data "$DATA" --model "$T/pca.safetensors"
    cli traverse_pca traverse --data "$DATA" --model "$T/pca.safetensors" --index 2 --out "$T/tp.png"
    cli eval eval --data "$DATA" --model "$M" --iw 4
    cli encode encode --data "$DATA" --model "$M" --out "$T/latents.csv"
    cli decode decode --model "$M" --z 0.5,-1
    cli decode_png decode --model "$M" --z 0.5,-1 --out "$T/d.png" --scale 4
    cli sample sample --model "$M" --grid 8 --out "$T/grid.png"
    cli sample_icdf sample --model "$M" --grid 5 --icdf --out "$T/grid2.png"
    cli sample_random sample --model "$M" --random 6 --seed 2
    cli interpolate interpolate --data "$DATA" --model "$M" --from 0 --to 1 --steps 5 --slerp --out "$T/i.png"
    cli arithmetic arithmetic --data "$DATA" --model "$M" --from-class 3 --to-class 8 --apply 1
    cli traverse traverse --data "$DATA" --model "$M" --index 2 --steps 5 --out "$T/t.png"
    cli eval_per_image eval --data "$DATA" --model "$M" --iw 4 --per-image "$T/scores.csv"
    cli reconstruct reconstruct --data "$DATA" --model "$M" --index 5 --noise sp:0.2 \
        --mask 0,14,28,28 --iters 5 --out "$T/r.png"
    cli reconstruct_image reconstruct --model "$M" --image "$T/d.png" --noise gauss:0.3
    cli encode_image encode --model "$M" --image "$T/d.png" --iw 8
    cli bench_nearest bench --nearest 5 --data "$DATA" --seconds 1
    cli info info --model "$M"
    cli animate animate --replay "$T/ae.rec" --out "$T/ae.gif" --grid --size 200x160
    cli bench bench --seconds 1
    cli help train --help
    if [ $cli_fail -ne 0 ]; then
        bad "asan: a vae command failed or leaked (logs: $T)"
    else
        say "asan: $cmds vae commands (import, train x3 (one --record), a pca's train, eval and traverse, eval --iw, eval --per-image, encode, encode --image, decode x2, sample x3, interpolate, arithmetic, traverse, reconstruct x2, info, animate --grid, bench, bench --nearest, help): no errors, no leaks ($((SECONDS - t0)) s)"
        rm -rf "$T"
    fi

    # 3. The explorer.
    if [ ! -x "$B/vae-explorer" ]; then
        say "asan: explorer not built here: skipped"
        return
    fi
    # 3a. Its test, leak-checked (tests/explorer.test.sh suppresses what dbus and
    # fontconfig keep until exit, and checks its one OpenGL run without leak checking:
    # Mesa's driver is unloaded before the scan).
    t0=$SECONDS
    ASAN_OPTIONS=check_initialization_order=1 \
        ctest --test-dir "$B" -R '^explorer$' --timeout 1200 --output-on-failure >"$B/ctest-explorer.log" 2>&1
    rc=$?
    summary=$(grep -E "tests passed|tests failed" "$B/ctest-explorer.log" | tail -1)
    if [ $rc -ne 0 ]; then
        grep -E "^FAIL|Sanitizer|runtime error" "$B/ctest-explorer.log" | head -30
        bad "asan: explorer test: $summary (log: $B/ctest-explorer.log)"
    else
        say "asan: explorer test (ASan + UBSan + LSan): passed ($((SECONDS - t0)) s)"
    fi
    # 3b. A scripted session, leak-checked. dlclose is made a no-op (so the leak scan still
    # sees the globals of unloaded system libraries) and leaks whose stack runs through
    # dbus or fontconfig are suppressed; anything else, ours included, is reported.
    t0=$SECONDS
    T=$(mktemp -d "$ROOT/$B/tmp/explorer.XXXXXX")
    printf 'int dlclose(void *h);\nint dlclose(void *h) { (void)h; return 0; }\n' >"$T/nodlclose.c"
    # With a shared ASan runtime (gcc) it must come first in LD_PRELOAD; clang links it in.
    local pre=$T/nodlclose.so lib
    lib=$(ldd "$B/vae-explorer" | awk '/libasan/ {print $3}')
    [ -n "$lib" ] && pre=$lib:$pre
    explorer_script >"$T/script.txt"
    if cc -shared -fPIC -o "$T/nodlclose.so" "$T/nodlclose.c" 2>"$T/cc.err"; then
        (cd "$T" && LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp "${XVFB[@]}" \
            timeout 600 env LD_PRELOAD="$pre" "$ROOT/$B/vae-explorer" --data "$DATA" \
            --script "$T/script.txt" --stats >"$T/out.txt" 2>"$T/err.txt")
        rc=$?
        if [ $rc -ne 0 ] || [ -n "$(reports "$T/err.txt")" ]; then
            head -60 "$T/err.txt"
            bad "asan: leak-checked explorer session: status $rc (logs: $T)"
        else
            say "asan: leak-checked explorer session: $(cat "$T/out.txt"), no leaks ($((SECONDS - t0)) s)"
            rm -rf "$T"
        fi
    else
        cat "$T/cc.err"
        bad "asan: could not build the dlclose shim"
    fi
}

# ---- TSan ---------------------------------------------------------------------------
tsan_test() { # DIR NAME WHAT: run DIR/NAME (a test's own threads), clean or a failure
    local B=$1 name=$2 what=$3 t0=$SECONDS
    if [ ! -x "$B/$name" ]; then
        say "tsan: tests/$name.c not present: skipped"
        return
    fi
    (cd "$B" && VAE_DATA_DIR=$DATA VAE_TMP=$ROOT/$B/tmp "./$name" >"$name.log" 2>&1)
    local rc=$?
    if [ $rc -ne 0 ] || [ -n "$(reports "$B/$name.log")" ]; then
        head -80 "$B/$name.log"
        bad "tsan: $name: status $rc (log: $B/$name.log)"
    else
        say "tsan: $name ($what): clean, $(grep -E 'checks passed' "$B/$name.log" | tail -1) ($((SECONDS - t0)) s)"
    fi
}

run_tsan() {
    local B=build-tsan t0=$SECONDS
    if [ ! -f tests/test_snapshot.c ] && [ "$APP" = OFF ]; then
        say "tsan: no tests/test_snapshot.c and no explorer yet: skipped"
        return
    fi
    TARGETS=(vae-cli)
    [ -f tests/test_snapshot.c ] && TARGETS+=(test_snapshot)
    [ -f tests/test_replay.c ] && TARGETS+=(test_replay)
    [ "$APP" = ON ] && TARGETS+=(vae-explorer)
    build "$B" -DVAE_TSAN=ON -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" || return
    TARGETS=()
    say "tsan: built $B in $((SECONDS - t0)) s (explorer: $APP)"
    # OpenBLAS hands work to its threads with its own spin flags, which TSan cannot see:
    # one BLAS thread keeps the report about our threads only.
    export OPENBLAS_NUM_THREADS=1
    # Mesa's software rasterizer (llvmpipe, in swrast_dri.so, not instrumented) tears its
    # worker threads down racily at exit; reports whose stack runs through it are not ours.
    printf 'race:swrast_dri.so\nmutex:swrast_dri.so\ndeadlock:swrast_dri.so\nthread:swrast_dri.so\n' \
        >"$B/tsan.supp"
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 exitcode=66 suppressions=$ROOT/$B/tsan.supp print_suppressions=1"
    # The trainer -> renderer hand-off (tests/test_snapshot.c) and the recording's trylock
    # hand-off (tests/test_replay.c): each test's own threads under TSan.
    tsan_test "$B" test_snapshot "trainer -> renderer hand-off"
    tsan_test "$B" test_replay "the recording's trylock hand-off"
    # The trainer's data-parallel pool: shards of every batch on 3 threads, for each kind
    # and the options that add per-shard state (dropout, free bits, flows, the CVAE).
    if [ -x "$B/vae" ]; then
        t0=$SECONDS
        local P=$ROOT/$B/tmp/pool runs=0 pool_fail=0
        rm -rf "$P"
        mkdir -p "$P"
        for args in "--kind vae" "--kind ae" "--kind cvae" "--kind vae --dropout 0.2 --free-bits 0.5" \
            "--kind vae --flow planar:2 --likelihood gaussian"; do
            runs=$((runs + 1))
            # shellcheck disable=SC2086
            if ! "$B/vae" train --data "$DATA" --threads 3 --hidden 64 --batch 96 --epochs 1 \
                $args --quiet --out "$P/m.safetensors" >"$P/run.log" 2>&1 ||
                [ -n "$(reports "$P/run.log")" ]; then
                grep -A40 "WARNING: ThreadSanitizer" "$P/run.log" | head -60
                tail -5 "$P/run.log"
                pool_fail=1
                bad "tsan: vae train --threads 3 $args (log: $P/run.log)"
                break
            fi
        done
        [ $pool_fail -eq 0 ] && say "tsan: trainer pool, $runs x vae train --threads 3 (vae, ae, cvae, dropout + free bits, flows): no races ($((SECONDS - t0)) s)" && rm -rf "$P"
    fi
    if [ -x "$B/vae-explorer" ]; then
        t0=$SECONDS
        local T
        T=$(mktemp -d "$ROOT/$B/tmp/explorer.XXXXXX")
        explorer_script >"$T/script.txt"
        (cd "$T" && "${XVFB[@]}" timeout 900 "$ROOT/$B/vae-explorer" --data "$DATA" \
            --script "$T/script.txt" --stats >"$T/out.txt" 2>"$T/err.txt")
        local rc=$?
        if [ $rc -ne 0 ] || [ -n "$(reports "$T/err.txt")" ]; then
            grep -A40 "WARNING: ThreadSanitizer" "$T/err.txt" | head -80
            [ -s "$T/err.txt" ] && head -20 "$T/err.txt"
            bad "tsan: explorer session: status $rc (logs: $T)"
        else
            say "tsan: explorer session, both models training: $(cat "$T/out.txt"), no races ($((SECONDS - t0)) s)"
            rm -rf "$T"
        fi
    else
        say "tsan: explorer not built here: skipped"
    fi
}

case $WHAT in
asan) run_asan ;;
tsan) run_tsan ;;
all) run_asan; run_tsan ;;
*) echo "usage: scripts/sanitize.sh [asan|tsan|all]" >&2; exit 2 ;;
esac
[ $fails -eq 0 ] && say "$WHAT: clean" || say "$WHAT: $fails step(s) failed"
[ $fails -eq 0 ]
