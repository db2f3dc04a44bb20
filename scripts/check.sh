#!/usr/bin/env bash
# The one way to check everything: formatting, lints, and every test in the workspace
# (unit, property, golden scenarios, and the real binary). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every step announces itself with "==> "; the last line says how it all ended.
started=$SECONDS
step_name="start"
steps=0
step() {
  step_name="$1"
  steps=$((steps + 1))
  echo "==> $1"
}
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "check: FAILED at step $steps ($step_name) after $((SECONDS - started)) s"; fi' EXIT

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "text model (scripts/fetch-model.sh) and the reader fitted to the default KB (kb fit)"
if [ -f models/all-minilm-l6-v2/model.f16.safetensors ]; then
  cargo run --quiet --locked -p nextseat -- kb fit
elif [ -n "${NEXTSEAT_REQUIRE_MODEL:-}" ]; then
  echo "NEXTSEAT_REQUIRE_MODEL is set but there is no model: run bash scripts/fetch-model.sh" >&2
  exit 1
else
  echo "skipped: no text model; run bash scripts/fetch-model.sh to test reading by meaning"
fi

step "cargo test"
if [ -z "${NEXTSEAT_TEST_POSTGRES_URL:-}" ]; then
  echo "skipped within: the PostgreSQL suites (set NEXTSEAT_TEST_POSTGRES_URL to a test database to run them; CI does)"
fi
cargo test --workspace --locked

step "browser test (real Chromium via playwright-core)"
if [ -x /usr/bin/chromium ] && [ -d tests/browser/node_modules/playwright-core ]; then
  cargo build --quiet --locked -p nextseat
  (cd tests/browser && node --test --test-timeout=120000)
elif [ -n "${CI:-}" ]; then
  echo "CI needs Chromium and playwright-core for the browser test (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install Chromium (apt-get install chromium) and run 'npm ci --prefix tests/browser'"
fi

step "server benchmark, smoke run (checks bench/server.py runs and the server answers 2xx)"
if command -v wrk >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
  python3 bench/server.py --smoke
elif [ -n "${CI:-}" ]; then
  echo "CI needs wrk and python3 for the server benchmark's smoke run (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install wrk (apt-get install wrk) to run it"
fi

step "API conformance (schemathesis against the OpenAPI document the server serves)"
if command -v schemathesis >/dev/null 2>&1 || python3 -c 'import schemathesis' >/dev/null 2>&1; then
  cargo build --quiet --locked -p nextseat
  bash scripts/api-conformance.sh "${CARGO_TARGET_DIR:-target}/debug/nextseat"
elif [ -n "${CI:-}" ]; then
  echo "CI needs schemathesis for the API conformance run (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install schemathesis (python3 -m pip install 'schemathesis==4.*')"
fi

step "nextseat kb eval (development and tuning sets; the last line of each)"
for set in kb/eval/narrative.toml kb/eval/narrative-heldout.toml kb/eval/dev/narrative.toml \
    kb/eval/dev/ownership.toml kb/eval/dev/ceo_tags.toml; do
  printf '%-32s ' "$set"
  cargo run --quiet --locked -p nextseat -- kb eval "$set" | tail -n 1
done

step "nextseat kb test kb/scenarios (the golden scenarios, as a consultancy runs them)"
cargo run --quiet --locked -p nextseat -- kb test kb/scenarios

step "fuzz targets, smoke run (scripts/fuzz.sh --smoke: each target 5 s, no sanitizer)"
cargo fmt --manifest-path fuzz/Cargo.toml --check
if cargo fuzz --version >/dev/null 2>&1; then
  bash scripts/fuzz.sh --smoke
elif [ -n "${CI:-}" ]; then
  echo "CI needs cargo-fuzz for the fuzz targets' smoke run (see .ci/run)" >&2
  exit 1
else
  echo "skipped: install cargo-fuzz (cargo install cargo-fuzz --locked) to run it"
fi

step "bench/batch.py --smoke (the batch benchmark runs; figures on a tiny input mean nothing)"
python3 bench/batch.py --smoke --work "${TMPDIR:-/tmp}/nextseat-bench-smoke" | tail -n 1

echo "check: all $steps steps passed in $((SECONDS - started)) s"
