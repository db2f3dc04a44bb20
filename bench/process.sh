#!/usr/bin/env bash
# Whole-process time of `nextseat assess` on the example profile, with hyperfine
# (Debian package `hyperfine`). Usage: bash bench/process.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p nextseat --quiet
bin=target/release/nextseat
for fmt in text json html; do
  hyperfine --warmup 20 --runs 300 -N \
    "$bin assess examples/acme-logistics.toml --format $fmt"
done
