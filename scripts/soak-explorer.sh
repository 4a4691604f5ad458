#!/usr/bin/env bash
# Soak the explorer: both models training, scripted input exercising every key and mouse
# action in a 30-second cycle (at 60 fps), for MINUTES; the process's resident set size is
# sampled every few seconds from /proc. Peak RSS must stay flat after warm-up.
#
#   scripts/soak-explorer.sh [--minutes M] [--warmup S] [--slack MB] [--build DIR] [-- ARGS]
#
# ARGS go to vae-explorer (e.g. --dataset fashion). Runs in a temporary directory (S and P
# write models/ and screenshots/ there); SOAK_RSS_LOG=FILE keeps the RSS samples. Prints the RSS samples' summary:
#   frames=N minutes=M rss_warm_mb=A (peak at the end of warm-up) rss_peak_mb=B rss_end_mb=C
#   growth_after_warmup_mb=B-A rss_hwm_mb=H (the kernel's VmHWM at the last sample: the
#   true peak, start-up included)
# and exits 1 if the explorer failed or the peak grew by more than --slack MB (default 8)
# after warm-up (default 60 s), 0 otherwise, 2 on bad usage.
set -u
cd "$(dirname "$0")/.." || exit 1
root=$PWD

minutes=60 warmup=60 slack=8
build="${VAE_BUILD:-build}"
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="${2:?--minutes needs a value}"; shift 2 ;;
        --warmup) warmup="${2:?--warmup needs a value}"; shift 2 ;;
        --slack) slack="${2:?--slack needs a value}"; shift 2 ;;
        --build) build="${2:?--build needs a directory}"; shift 2 ;;
        --) shift; break ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "soak-explorer.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$minutes" "$warmup" "$slack"; do
    [[ "$v" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "soak-explorer.sh: '$v' is not a number" >&2; exit 2; }
done
case "$build" in /*) ;; *) build="$root/$build" ;; esac
exe="$build/vae-explorer"
[ -x "$exe" ] || { echo "soak-explorer.sh: $exe not found (build first, or pass --build DIR)" >&2; exit 1; }
frames=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 3600 }')
[ "$frames" -ge 600 ] || { echo "soak-explorer.sh: --minutes must give at least 600 frames" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One 1800-frame cycle, repeated: the cursor circles (decoding every frame) while, at fixed
# frames, the keys and mouse actions of the help overlay happen in turn. Every third cycle,
# the first included (so that warm-up sees one), also saves both models (S), takes a
# screenshot (P) and resets the models (R).
awk -v n="$frames" 'BEGIN {
    for (f = 0; f < n; f++) {
        c = f % 1800; k = int(f / 1800)
        printf "%d move %d %d\n", f, 410 + 250 * cos(f * 3.14159265 / 120), 397 + 250 * sin(f * 3.14159265 / 120)
        if (c == 100) printf "%d key c\n", f
        if (c == 200) printf "%d key g\n", f
        if (c == 300) printf "%d key i\n", f
        if (c == 350) printf "%d wheel 3\n", f
        if (c == 400) printf "%d drag right 500 400 450 350\n", f
        if (c == 450) printf "%d wheel -3\n", f
        if (c == 500) printf "%d key i\n", f
        if (c == 600) printf "%d key g\n", f
        if (c == 700) printf "%d key h\n", f
        if (c == 760) printf "%d key h\n", f
        if (c == 800) printf "%d key c\n", f
        if (c == 900) printf "%d key a\n", f
        if (c == 1000) printf "%d key a\n", f
        if (c == 1050) printf "%d hover %d\n", f, (k * 37) % 2000
        if (c == 1100) printf "%d key space\n", f
        if (c == 1120) printf "%d key n\n", f
        if (c == 1140) printf "%d key space\n", f
        if (c == 1200) printf "%d key ]\n", f
        if (c == 1220) printf "%d key [\n", f
        if (c == 1240) printf "%d key =\n", f
        if (c == 1260) printf "%d key -\n", f
        if (c == 1300) printf "%d key ,\n", f
        if (c == 1400) printf "%d key .\n", f
        if (c == 1500) printf "%d dblclick 400 400\n", f
        if (c == 1600 && k % 3 == 0) printf "%d key s\n%d key p\n", f, f
        if (c == 1700 && k % 3 == 0) printf "%d key r\n", f
    }
}' > "$tmp/soak.script"

# the repository's MNIST unless the arguments name the data
data=()
case " $* " in *" --data"*|*" --dataset"*) ;; *) [ -d "$root/data/mnist" ] && data=(--data "$root/data/mnist") ;; esac
cd "$tmp" || exit 1
if [ -n "${DISPLAY:-}" ] || [ -n "${SDL_VIDEODRIVER:-}" ]; then
    "$exe" --frames "$frames" --stats --script soak.script "${data[@]}" "$@" > stats.txt 2> err.txt &
else
    xvfb-run -a -s "-screen 0 1600x1000x24" "$exe" --frames "$frames" --stats --script soak.script "${data[@]}" "$@" > stats.txt 2> err.txt &
fi
runner=$!
# the explorer's pid (under xvfb-run it is a grandchild)
pid=""
for _ in $(seq 1 100); do
    pid=$(pgrep -n -f "^$exe --frames $frames --stats --script soak.script" || true)
    [ -n "$pid" ] && break
    sleep 0.1
done
[ -n "$pid" ] || { echo "soak-explorer.sh: the explorer did not start:" >&2; cat err.txt >&2; exit 1; }
start=$(date +%s)
: > rss.txt
while kill -0 "$pid" 2>/dev/null; do
    # resident now, and the kernel's high-water mark (which also sees peaks between samples)
    rss=$(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { if (r) print r, h }' "/proc/$pid/status" 2>/dev/null)
    [ -n "$rss" ] && echo "$(( $(date +%s) - start )) $rss" >> rss.txt
    sleep 5
done
wait "$runner"
rc=$?
# SOAK_RSS_LOG=FILE keeps the samples (seconds, RSS and high-water mark in kB)
if [ -n "${SOAK_RSS_LOG:-}" ]; then
    case "$SOAK_RSS_LOG" in /*) cp rss.txt "$SOAK_RSS_LOG" ;; *) cp rss.txt "$root/$SOAK_RSS_LOG" ;; esac
fi
if [ $rc -ne 0 ] || ! grep -q 'frames=' stats.txt; then
    echo "soak-explorer.sh: the explorer failed (status $rc):" >&2
    grep -v "trainer:" err.txt | tail -5 >&2
    exit 1
fi
if grep -q "ERROR: \|runtime error:" err.txt; then
    echo "soak-explorer.sh: sanitizer report:" >&2
    grep -A5 "ERROR: \|runtime error:" err.txt | head -20 >&2
    exit 1
fi
awk -v w="$warmup" -v slack="$slack" -v stats="$(grep 'frames=' stats.txt | tail -n 1)" -v m="$minutes" '
    { if ($1 <= w) { if ($2 > warm) warm = $2 } else if ($2 > peak) peak = $2; last = $2; n++; if ($3 > hwm) hwm = $3 }
    END {
        if (peak < warm) peak = warm
        printf "%s minutes=%s samples=%d rss_warm_mb=%.1f rss_peak_mb=%.1f rss_end_mb=%.1f growth_after_warmup_mb=%.1f rss_hwm_mb=%.1f\n",
            stats, m, n, warm / 1024, peak / 1024, last / 1024, (peak - warm) / 1024, hwm / 1024
        if (warm == 0) { print "soak-explorer.sh: no RSS samples during warm-up" > "/dev/stderr"; exit 1 }
        exit (peak - warm) / 1024 > slack
    }' rss.txt
