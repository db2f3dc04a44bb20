#!/usr/bin/env bash
# Runs the parsers' fuzz targets (fuzz/, cargo-fuzz) on the stable toolchain.
#
#   bash scripts/fuzz.sh [--seconds N] [--sanitizer address|none] [TARGET...] [-- LIBFUZZER_ARG...]
#   bash scripts/fuzz.sh --smoke
#
# Every target (or those named) runs in turn for N seconds (default 60) under
# AddressSanitizer, from the committed seeds (fuzz/seeds/TARGET) and the corpus it has
# grown so far (fuzz/corpus/TARGET, not committed). A crash is written to
# fuzz/artifacts/TARGET/ and fails the run; each target's full output is in
# fuzz/logs/TARGET.log. `--smoke` runs each target for 5 s without a sanitizer, from the
# seeds alone: the test command's check that the targets build and run.
#
# Installs nothing: it needs cargo-fuzz (`cargo install cargo-fuzz --locked`).
# RUSTC_BOOTSTRAP=1 lets the stable compiler take the sanitizer flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '4,5p' "$0" | sed 's/^#   /usage: /'
}

seconds=""
sanitizer=""
smoke=false
targets=()
libfuzzer_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --seconds=*) seconds=${1#*=}; shift ;;
    --sanitizer | -s) sanitizer=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --sanitizer=*) sanitizer=${1#*=}; shift ;;
    --smoke) smoke=true; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; libfuzzer_args=("$@"); break ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if $smoke; then
  seconds=${seconds:-5}
  sanitizer=${sanitizer:-none}
else
  seconds=${seconds:-60}
  sanitizer=${sanitizer:-address}
fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: --seconds takes a whole number of seconds (got '$seconds')" >&2
  exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is not installed; install it with: cargo install cargo-fuzz --locked" >&2
  exit 1
fi
export RUSTC_BOOTSTRAP=1

mapfile -t all_targets < <(cargo fuzz list)
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi
for t in "${targets[@]}"; do
  if ! printf '%s\n' "${all_targets[@]}" | grep -qx -- "$t"; then
    echo "fuzz.sh: no fuzz target '$t'; the targets are: ${all_targets[*]}" >&2
    exit 2
  fi
done

# The fuzz crate is a workspace of its own with its own lock file; like the root one,
# it must not change under a check.
if ! cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null; then
  echo "fuzz.sh: fuzz/Cargo.lock is out of date (run 'cargo update --manifest-path fuzz/Cargo.toml -w' and commit it)" >&2
  exit 1
fi

# AddressSanitizer builds into cargo-fuzz's default fuzz/target, so that reproducing a
# crash with a plain `cargo fuzz run TARGET ARTIFACT` reuses the build; the unsanitised
# build has a directory of its own so that the two don't rebuild each other.
build_args=(--sanitizer "$sanitizer")
if [ "$sanitizer" != address ]; then
  build_args+=(--target-dir "fuzz/target/sanitizer-$sanitizer")
fi

echo "==> cargo fuzz build ${build_args[*]} (all targets)"
start=$(date +%s)
cargo fuzz build "${build_args[@]}"
echo "built in $(($(date +%s) - start)) s"

scratch=""
if $smoke; then
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/nextseat-fuzz-smoke.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
fi
mkdir -p fuzz/logs

failed=()
total_execs=0
for t in "${targets[@]}"; do
  if $smoke; then
    corpus="$scratch/$t"
  else
    corpus="fuzz/corpus/$t"
  fi
  mkdir -p "$corpus"
  log="fuzz/logs/$t.log"
  status=0
  cargo fuzz run "${build_args[@]}" "$t" "$corpus" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -timeout=20 -print_final_stats=1 \
    ${libfuzzer_args[@]+"${libfuzzer_args[@]}"} >"$log" 2>&1 || status=$?
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 || true)
  if [ "$status" -eq 0 ]; then
    total_execs=$((total_execs + ${execs:-0}))
    printf '%-14s ok      %s s, %s execs, %s, %s\n' "$t" "$seconds" "${execs:-?}" "${cov:-cov: ?}" "${corp:-corp: ?}"
  else
    failed+=("$t")
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)
    printf '%-14s FAILED  exit %s%s (log: %s)\n' "$t" "$status" "${artifact:+, input: $artifact}" "$log"
    grep -m 1 -E 'panicked at|ERROR: AddressSanitizer|ERROR: libFuzzer' -A 2 "$log" | sed 's/^/    /' || tail -n 20 "$log" | sed 's/^/    /'
    if [ -n "$artifact" ]; then
      echo "    reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run ${build_args[*]} $t $artifact"
    fi
  fi
done

mode="sanitizer $sanitizer"
if $smoke; then mode="smoke, $mode"; fi
if [ ${#failed[@]} -eq 0 ]; then
  echo "fuzz: ${#targets[@]} target(s) ran ${seconds} s each ($mode): $total_execs executions, no crash"
else
  echo "fuzz: ${#failed[@]} of ${#targets[@]} target(s) FAILED ($mode): ${failed[*]}; logs in fuzz/logs/"
  exit 1
fi
