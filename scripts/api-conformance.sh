#!/usr/bin/env bash
# API conformance: schemathesis generates requests from the OpenAPI document the server
# serves (valid and invalid ones, stateful sequences through the document's links) and
# checks every answer against it: status codes, content types, headers, response bodies,
# valid data accepted, invalid data refused, undeclared methods answered 405.
#
# Builds nothing: give it a built binary.
#   scripts/api-conformance.sh [path/to/nextseat]       (default target/debug/nextseat)
# Environment: CONFORMANCE_SECONDS (default 60), CONFORMANCE_SEED (default 1),
# CONFORMANCE_WORKERS (default 2, for a 2-core machine).
#
# The server runs on loopback with a throwaway SQLite database and the rate limiter off
# (--rate-limit 0): schemathesis sends hundreds of requests a second from one address and
# would otherwise measure the limiter. Production keeps its default limit.
#
# Exit: 0 no failure; 1 a failure (or the server would not start); 2 schemathesis is
# missing or the usage is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/debug/nextseat}
seconds=${CONFORMANCE_SECONDS:-60}
seed=${CONFORMANCE_SEED:-1}
workers=${CONFORMANCE_WORKERS:-2}

if [ ! -x "$bin" ]; then
  echo "api-conformance: no executable at $bin; build it first (cargo build -p nextseat)" >&2
  exit 2
fi
if command -v schemathesis >/dev/null 2>&1; then
  st=(schemathesis)
elif python3 -c 'import schemathesis' >/dev/null 2>&1; then
  st=(python3 -m schemathesis.cli)
else
  echo "api-conformance: schemathesis is not installed; install it with:" >&2
  echo "  python3 -m pip install 'schemathesis==4.*'" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nextseat-conformance.XXXXXX")
server=""
stop() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 1' INT TERM

NEXTSEAT_READER=phrases RUST_LOG=warn "$bin" serve --addr 127.0.0.1:0 --database "sqlite://$work/x.db" --rate-limit 0 \
  >"$work/server.out" 2>"$work/server.err" &
server=$!

# The first line of stdout is "nextseat listening on http://ADDR (... database)".
addr=""
for _ in $(seq 1 100); do
  addr=$(sed -n '1s|^nextseat listening on http://\([^ ]*\) .*|\1|p' "$work/server.out" || true)
  [ -n "$addr" ] && break
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "api-conformance: the server did not start:" >&2
  cat "$work/server.err" >&2
  exit 1
fi

start=$(date +%s)
status=0
# Every check, except those about authentication: this API has none (no security
# schemes, nothing to leave out or to swap between users), so they cannot apply.
# The hooks file drops one failure only (an Idempotency-Key reused with a different
# body, refused 422 by design); it says why. schemathesis leaves out the document's own
# address unless told; --include-path-regex '^/' tests every path, that one too. It runs
# in the scratch folder, where it keeps its cache, so no run leaves state for the next.
hooks="$PWD/scripts/api-conformance-hooks.py"
(cd "$work" && SCHEMATHESIS_HOOKS="$hooks" "${st[@]}" run "http://$addr/api/v1/openapi.json" \
  --include-path-regex '^/' \
  --checks all \
  --exclude-checks ignored_auth,object_level_authorization \
  --max-time "$seconds" \
  --seed "$seed" \
  --workers "$workers" \
  --generation-database none \
  --no-color \
  >"$work/report.txt" 2>&1) || status=$?
elapsed=$(( $(date +%s) - start ))

cat "$work/report.txt"
report="$work/report.txt"
# Each figure is left empty when the report lacks it (grep finding nothing is no error).
figure() { { grep -Eo "$1" "$report" || true; } | tail -n 1 | cut -d' ' -f"$2"; }
operations=$(awk '/^API Operations:/ { f = 1 } f && /Tested:/ { print $2; exit }' "$report")
cases=$(figure '[0-9]+ generated' 1)
failures=$(figure 'found [0-9]+ unique failures?' 2)
dropped=$(figure 'Filtered: [0-9]+' 2)
summary="${operations:-?} operations, ${cases:-?} test cases generated, failures: ${failures:-0}"
summary+=" (${dropped:-0} Idempotency-Key reuses refused 422 by design, dropped by the hooks)"
summary+=" in ${elapsed}s, seed $seed"
if [ "$status" -eq 0 ]; then
  echo "api-conformance: OK: $summary"
else
  echo "api-conformance: FAILED (schemathesis exit $status): $summary" >&2
  status=1
fi
exit "$status"
