#!/usr/bin/env bash
# The one way to check everything: formatting, lints, and every test in the workspace
# (unit, property, golden scenarios, and the real binary). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> cargo fmt --check"
cargo fmt --all --check

echo "==> cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> cargo test"
cargo test --workspace --locked

echo "==> browser test (real Chromium via playwright-core)"
if [ -x /usr/bin/chromium ] && [ -d tests/browser/node_modules/playwright-core ]; then
  cargo build --quiet --locked -p nextseat
  (cd tests/browser && node --test --test-timeout=120000)
elif [ -n "${CI:-}" ]; then
  echo "CI needs Chromium and playwright-core for the browser test (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install Chromium (apt-get install chromium) and run 'npm ci --prefix tests/browser'"
fi

echo "==> server benchmark, smoke run (checks bench/server.py runs and the server answers 2xx)"
if command -v wrk >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
  python3 bench/server.py --smoke
elif [ -n "${CI:-}" ]; then
  echo "CI needs wrk and python3 for the server benchmark's smoke run (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install wrk (apt-get install wrk) to run it"
fi

echo "==> API conformance (schemathesis against the OpenAPI document the server serves)"
if command -v schemathesis >/dev/null 2>&1 || python3 -c 'import schemathesis' >/dev/null 2>&1; then
  cargo build --quiet --locked -p nextseat
  bash scripts/api-conformance.sh "${CARGO_TARGET_DIR:-target}/debug/nextseat"
elif [ -n "${CI:-}" ]; then
  echo "CI needs schemathesis for the API conformance run (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install schemathesis (python3 -m pip install 'schemathesis==4.*')"
fi

echo "==> nextseat kb eval kb/eval/narrative.toml (narrative intake precision and recall)"
cargo run --quiet --locked -p nextseat -- kb eval kb/eval/narrative.toml | tail -n 1
echo "==> nextseat kb eval kb/eval/narrative-heldout.toml (the same on sentences never tuned on)"
cargo run --quiet --locked -p nextseat -- kb eval kb/eval/narrative-heldout.toml | tail -n 1

echo "==> nextseat kb test kb/scenarios (the golden scenarios, as a consultancy runs them)"
cargo run --quiet --locked -p nextseat -- kb test kb/scenarios

echo "==> fuzz targets, smoke run (scripts/fuzz.sh --smoke: each target 5 s, no sanitizer)"
cargo fmt --manifest-path fuzz/Cargo.toml --check
if cargo fuzz --version >/dev/null 2>&1; then
  bash scripts/fuzz.sh --smoke
elif [ -n "${CI:-}" ]; then
  echo "CI needs cargo-fuzz for the fuzz targets' smoke run (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install cargo-fuzz (cargo install cargo-fuzz --locked) to run it"
fi

echo "==> bench/batch.py --smoke (the batch benchmark runs; figures on a tiny input mean nothing)"
python3 bench/batch.py --smoke --work "${TMPDIR:-/tmp}/nextseat-bench-smoke" | tail -n 4
