#!/usr/bin/env bash
# Crash-safe checkpoints (SPEC §5, issue 5): SIGKILL `vae train` at random moments while it
# rewrites its checkpoint after every epoch (a tiny model on a tiny dataset saves every few
# ms; a quarter of the kills land anywhere, the rest after the run's first save, half of all
# aimed at a save in progress), many times, and prove after every kill
#   - the file on disk loads (`vae info` exit 0), and
#   - it is byte for byte one complete version: training is deterministic (--threads 1,
#     fixed seed), so the checkpoint of epoch e is regenerated with `--epochs e` and compared;
#   - temp files do not accumulate (a killed writer's temp file is removed by the next
#     successful save), and a clean run leaves none.
# Then: a missing directory, a path under a regular file, a read-only filesystem and a full
# filesystem are each a clear error (exit 1, "vae: " naming the file) that leaves the old
# checkpoint intact and no temp file. The last two need `mount -t tmpfs` (root); without it
# they are skipped with a note.
# Env: VAE_BUILD, VAE_TMP; KILLS (default 120).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${VAE_BUILD:-build}
VAE=$BUILD/vae
[ -x "$VAE" ] || { echo "kill_checkpoint: $VAE not built" >&2; exit 1; }
KILLS=${KILLS:-120}
W=$(mktemp -d "${VAE_TMP:-/tmp}/kill_checkpoint.XXXXXX")
MOUNTS=()
cleanup() {
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT

fail=0
bad() {
    fail=$((fail + 1))
    echo "FAIL $*"
}

# 256 training and 64 test images of noise: enough to train on, quick to load.
python3 - "$W/data" <<'EOF' || exit 1
import os, random, struct, sys
d = sys.argv[1]; os.makedirs(d)
rnd = random.Random(3)
for pre, n in (("train", 256), ("t10k", 64)):
    with open(os.path.join(d, pre + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + bytes(rnd.randrange(256) for _ in range(n * 784)))
    with open(os.path.join(d, pre + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(rnd.randrange(10) for _ in range(n)))
EOF
# One batch per epoch, so a save (206 KB, fsync'd) is most of each epoch's time.
TRAIN=(train --data "$W/data" --hidden 32 --batch 256 --threads 1 --seed 7 --quiet)
F=$W/model.safetensors

field() { # field NAME < info output
    sed -n "1s/.* $1=\([^ ]*\).*/\1/p"
}
declare -A REF # epoch -> sha256 of the deterministic checkpoint of that epoch
ref_hash() {
    local e=$1
    if [ -z "${REF[$e]:-}" ]; then
        "$VAE" "${TRAIN[@]}" --epochs "$e" --out "$W/ref.safetensors" 2>"$W/ref.err" ||
            { cat "$W/ref.err"; return 1; }
        REF[$e]=$(sha256sum <"$W/ref.safetensors" | cut -c1-64)
    fi
    echo "${REF[$e]}"
}
temps() { find "$W" -maxdepth 1 -name 'model.safetensors.tmp.*' | wc -l; }

# ---- SIGKILL at random moments ------------------------------------------------------
"$VAE" "${TRAIN[@]}" --epochs 1 --out "$F" || { bad "first training run failed"; exit 1; }
mid_save=0
max_temps=0
epochs_seen=()
start=$SECONDS
for i in $(seq "$KILLS"); do
    ino=$(stat -c %i "$F")
    "$VAE" "${TRAIN[@]}" --epochs 100000 --out "$F" 2>"$W/run.err" &
    pid=$!
    mode=$((RANDOM % 4))
    if [ $mode -eq 0 ]; then
        # Anywhere in the first 400 ms, start-up included.
        sleep "0.$(printf '%03d' $((RANDOM % 400)))"
    else
        # Wait until this run has replaced the file (start-up is slow under sanitizers).
        for _ in $(seq 3000); do
            [ "$(stat -c %i "$F" 2>/dev/null)" != "$ino" ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.005
        done
        if [ $mode -eq 1 ]; then
            sleep "0.0$(printf '%02d' $((RANDOM % 60)))" # 0..60 ms on: anywhere in an epoch
        else
            # Inside a save: stop the process the moment this run's next temp file exists
            # (bash builtins only), so a busy machine cannot let the save finish first.
            until_t=$((SECONDS + 5))
            while [ $SECONDS -lt $until_t ]; do
                if compgen -G "$F.tmp.$pid.*" >/dev/null; then
                    kill -STOP "$pid" 2>/dev/null
                    break
                fi
            done
        fi
    fi
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -n "$(find "$W" -maxdepth 1 -name "model.safetensors.tmp.$pid.*")" ] && mid_save=$((mid_save + 1))
    if ! "$VAE" info --model "$F" >"$W/info" 2>"$W/info.err"; then
        bad "kill $i: the checkpoint does not load: $(cat "$W/info.err")"
        cp "$F" "$W/../kill_checkpoint_torn.safetensors" 2>/dev/null
        break
    fi
    e=$(field epoch <"$W/info")
    got=$(sha256sum <"$F" | cut -c1-64)
    want=$(ref_hash "$e") || { bad "kill $i: could not regenerate epoch $e"; break; }
    if [ "$got" != "$want" ]; then
        bad "kill $i: the checkpoint (epoch $e) is not the complete version of epoch $e"
        break
    fi
    epochs_seen+=("$e")
    n=$(temps)
    [ "$n" -gt "$max_temps" ] && max_temps=$n
    if [ "$n" -gt 2 ]; then
        bad "kill $i: $n temp files left beside the checkpoint (they accumulate)"
        ls "$W" >&2
        break
    fi
done
distinct=$(printf '%s\n' "${epochs_seen[@]}" | sort -un | wc -l)
echo "kill_checkpoint: ${#epochs_seen[@]}/$KILLS kills survived in $((SECONDS - start)) s" \
    "($mid_save inside a save, $distinct distinct epochs verified byte-exact, at most" \
    "$max_temps temp file(s) at a time)"
[ "${#epochs_seen[@]}" -eq "$KILLS" ] || bad "not every kill was survived"
[ "$mid_save" -ge $((KILLS / 5)) ] || bad "only $mid_save kills hit a save: the test is not testing saves"

# A clean run afterwards removes every stale temp file.
"$VAE" "${TRAIN[@]}" --epochs 2 --out "$F" || bad "clean run after the kills failed"
[ "$(temps)" -eq 0 ] || bad "$(temps) temp files remain after a clean run"
[ "$(ref_hash 2)" = "$(sha256sum <"$F" | cut -c1-64)" ] || bad "clean run checkpoint differs"

# ---- unwritable targets ---------------------------------------------------------------
# expect_fail DESC PATH: training to PATH fails with status 1 and one "vae: " line naming it.
expect_fail() {
    local desc=$1 path=$2
    "$VAE" "${TRAIN[@]}" --epochs 1 --out "$path" 2>"$W/err" >/dev/null
    local rc=$?
    if [ $rc -ne 1 ] || [ "$(grep -c '^vae: ' "$W/err")" -ne 1 ] ||
        ! grep '^vae: ' "$W/err" | grep -qF "$path"; then
        bad "$desc: status $rc, stderr: $(cat "$W/err")"
    else
        echo "ok   $desc: $(grep '^vae: ' "$W/err")"
    fi
}
touch "$W/plainfile"
expect_fail "directory does not exist" "$W/missing/model.safetensors"
expect_fail "parent is a regular file" "$W/plainfile/model.safetensors"
[ -e "$W/missing" ] && bad "a missing directory was created"

# Read-only and full filesystems: small tmpfs mounts, each holding an old checkpoint.
cp "$F" "$W/old.safetensors"
mkdir -p "$W/ro" "$W/full"
if mount -t tmpfs -o size=1m tmpfs "$W/ro" 2>/dev/null; then
    MOUNTS+=("$W/ro")
    cp "$W/old.safetensors" "$W/ro/model.safetensors"
    mount -o remount,ro "$W/ro"
    expect_fail "read-only filesystem" "$W/ro/model.safetensors"
    cmp -s "$W/old.safetensors" "$W/ro/model.safetensors" || bad "read-only: old checkpoint changed"
    # The checkpoint is ~206 KB: a 300 KB filesystem holds the old one but not a second copy.
    if mount -t tmpfs -o size=300k tmpfs "$W/full" 2>/dev/null; then
        MOUNTS+=("$W/full")
        cp "$W/old.safetensors" "$W/full/model.safetensors"
        expect_fail "full filesystem (ENOSPC)" "$W/full/model.safetensors"
        cmp -s "$W/old.safetensors" "$W/full/model.safetensors" || bad "full: old checkpoint changed"
        left=$(find "$W/full" -name '*.tmp.*' | wc -l)
        [ "$left" -eq 0 ] || bad "full: $left temp file(s) left behind"
        "$VAE" info --model "$W/full/model.safetensors" >/dev/null || bad "full: old checkpoint unreadable"
    fi
else
    echo "note: cannot mount a tmpfs here (not root?): read-only and full-disk cases skipped"
    if [ "$(id -u)" -ne 0 ]; then # without root, chmod does make a directory read-only
        mkdir -p "$W/rodir"
        cp "$W/old.safetensors" "$W/rodir/model.safetensors"
        chmod 555 "$W/rodir"
        expect_fail "read-only directory" "$W/rodir/model.safetensors"
        cmp -s "$W/old.safetensors" "$W/rodir/model.safetensors" || bad "read-only dir: old changed"
        chmod 755 "$W/rodir"
    fi
fi

if [ "$fail" -eq 0 ]; then
    echo "kill_checkpoint: all checks passed"
else
    echo "kill_checkpoint: $fail check(s) failed"
fi
[ "$fail" -eq 0 ]
