#!/usr/bin/env bash
# One-step setup on Debian 12: install the packages the project needs (apt-get, only what
# is missing), build everything with CMake into build/, and fetch + convert the MNIST data.
# Usage: scripts/setup.sh            (safe to re-run: each step is skipped when done)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    build-essential cmake pkg-config git ca-certificates
    libopenblas-dev libcjson-dev zlib1g-dev libpng-dev libgif-dev
    libsdl2-dev libsdl2-ttf-dev libfontconfig-dev fonts-dejavu-core
    npm python3 python3-numpy python3-torch
    xvfb xauth clang libclang-rt-14-dev
    dataset-fashion-mnist
)

# Tools that may come from elsewhere than Debian (e.g. Node.js's own packages ship npm):
# present on the PATH is as good as installed.
declare -A PROVIDES=([npm]=npm [cmake]=cmake [python3]=python3 [clang]=clang [git]=git)
missing=()
for p in "${PACKAGES[@]}"; do
    [ -n "${PROVIDES[$p]:-}" ] && command -v "${PROVIDES[$p]}" >/dev/null && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

BUILD=${VAE_BUILD_DIR:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${VAE_CMAKE_FLAGS:-} >/dev/null
if ! cmake --build "$BUILD" -j"$(nproc)" >"$BUILD/build.log" 2>&1; then
    grep -E "error|Error" "$BUILD/build.log" | head -20 >&2
    echo "setup: the build failed (full log: $BUILD/build.log)" >&2
    exit 1
fi
grep -E "warning:" "$BUILD/build.log" >&2 || true

scripts/fetch-data.sh "$BUILD"
echo "setup: ready (binaries in $BUILD/, data in data/mnist/)"
