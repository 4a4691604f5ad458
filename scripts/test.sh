#!/usr/bin/env bash
# The whole test suite (after scripts/setup.sh): unit, integration, UI and cross-check
# tests through CTest on the Release build. Prints the CTest summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${VAE_BUILD_DIR:-build}
ctest --test-dir "$BUILD" --output-on-failure -j2 --timeout 1500
