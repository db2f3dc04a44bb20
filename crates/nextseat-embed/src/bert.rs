//! The BERT encoder of all-MiniLM-L6-v2, on candle-core and candle-nn, in f32.
//!
//! The same arithmetic as `candle_transformers::models::bert` (and Hugging Face's
//! `BertModel`), written out here so the crate does not compile candle-transformers'
//! hundred-odd other models. Two changes that leave the result alone: the query, key and
//! value projections are fused into one matrix at load time (one matrix product a layer
//! instead of three), and the BERT pooler is not loaded (sentence-transformers pools the
//! last hidden state itself).

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{LayerNorm, Linear};
use half::f16;
use half::slice::HalfFloatSliceExt;

use crate::EmbedError;
use crate::weights::Weights;

/// Width of a hidden state and of the sentence vector.
pub(crate) const HIDDEN: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = HIDDEN / HEADS;
const INTERMEDIATE: usize = 1536;
const LAYERS: usize = 6;
/// Rows of the position-embedding table: no sequence may be longer.
pub(crate) const POSITIONS: usize = 512;
const LAYER_NORM_EPS: f64 = 1e-12;
/// Added to the attention scores of padding positions: after the softmax's max
/// subtraction, `exp` of it is exactly 0 in f32.
const MASKED: f64 = -1e9;

/// A batch ready for the encoder: token ids padded with 0 to a common length, and the
/// attention mask (1 for a real token, 0 for padding), both `batch × len`, row-major.
pub(crate) struct Batch {
    pub ids: Vec<u32>,
    pub mask: Vec<f32>,
    pub batch: usize,
    pub len: usize,
}

pub(crate) struct Bert {
    word: WordTable,
    /// `POSITIONS × HIDDEN`; the first `len` rows are added to a batch.
    position: Tensor,
    /// Row 0 of the token-type table: every token here is of type 0.
    token_type: Tensor,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
    device: Device,
}

struct Layer {
    qkv: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    up: Linear,
    down: Linear,
    out_norm: LayerNorm,
}

fn compute(context: &'static str) -> impl Fn(candle_core::Error) -> EmbedError {
    move |e| EmbedError::Compute {
        context,
        message: e.to_string(),
    }
}

/// The word-embedding table, kept as stored: only the rows of a batch's tokens are
/// widened to f32, at each forward pass (a few microseconds), instead of all 30,522 rows
/// at load time (half of all the weights).
enum WordTable {
    F16(Vec<f16>),
    F32(Vec<f32>),
}

/// A dense layer from one or more weight matrices `[out, inp]` of the checkpoint,
/// stacked (the fused query, key and value projection is three).
///
/// Kept as PyTorch stores it (`out × in`) and multiplied by its transposed view, as
/// candle_nn's `Linear` does. Tried: storing it transposed at load time. perf showed 40 %
/// of a forward pass in gemm packing the strided view, but without it the micro-kernel
/// read the unpacked matrix more slowly: 13.3 against 13.8 ms a sentence and 7.8 against
/// 7.8 ms in a batch of 64, within noise, so the simpler layout stayed.
fn dense(
    w: &mut Weights<'_>,
    prefixes: &[String],
    out: usize,
    inp: usize,
) -> Result<Linear, EmbedError> {
    let weights: Vec<String> = prefixes.iter().map(|p| format!("{p}.weight")).collect();
    let biases: Vec<String> = prefixes.iter().map(|p| format!("{p}.bias")).collect();
    let rows = out * prefixes.len();
    Ok(Linear::new(
        tensor(w.stacked_f32(&weights, &[out, inp])?, &[rows, inp])?,
        Some(tensor(w.stacked_f32(&biases, &[out])?, &[rows])?),
    ))
}

fn norm(w: &mut Weights<'_>, prefix: &str) -> Result<LayerNorm, EmbedError> {
    let weight = tensor(w.f32(&format!("{prefix}.weight"), &[HIDDEN])?, &[HIDDEN])?;
    let bias = tensor(w.f32(&format!("{prefix}.bias"), &[HIDDEN])?, &[HIDDEN])?;
    Ok(LayerNorm::new(weight, bias, LAYER_NORM_EPS))
}

fn tensor(data: Vec<f32>, shape: &[usize]) -> Result<Tensor, EmbedError> {
    Tensor::from_vec(data, shape, &Device::Cpu).map_err(compute("load"))
}

impl Bert {
    /// Builds the encoder from safetensors weights (f16, bf16 or f32) with the tensor
    /// names of the Hugging Face checkpoint.
    pub(crate) fn load(mut w: Weights<'_>) -> Result<Self, EmbedError> {
        const WORDS: &str = "embeddings.word_embeddings.weight";
        let word = match w.f16(WORDS, &[crate::VOCAB, HIDDEN])? {
            Some(table) => WordTable::F16(table),
            None => WordTable::F32(w.f32(WORDS, &[crate::VOCAB, HIDDEN])?),
        };
        let position = tensor(
            w.f32(
                "embeddings.position_embeddings.weight",
                &[POSITIONS, HIDDEN],
            )?,
            &[POSITIONS, HIDDEN],
        )?;
        // Row 0 of the token-type table: every token here is of type 0.
        let mut token_type = w.f32("embeddings.token_type_embeddings.weight", &[2, HIDDEN])?;
        token_type.truncate(HIDDEN);
        let token_type = tensor(token_type, &[HIDDEN])?;
        let embed_norm = norm(&mut w, "embeddings.LayerNorm")?;
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}");
            let one = |name: &str| vec![format!("{p}.{name}")];
            let qkv: Vec<String> = ["query", "key", "value"]
                .iter()
                .map(|part| format!("{p}.attention.self.{part}"))
                .collect();
            layers.push(Layer {
                qkv: dense(&mut w, &qkv, HIDDEN, HIDDEN)?,
                attn_out: dense(&mut w, &one("attention.output.dense"), HIDDEN, HIDDEN)?,
                attn_norm: norm(&mut w, &format!("{p}.attention.output.LayerNorm"))?,
                up: dense(&mut w, &one("intermediate.dense"), INTERMEDIATE, HIDDEN)?,
                down: dense(&mut w, &one("output.dense"), HIDDEN, INTERMEDIATE)?,
                out_norm: norm(&mut w, &format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Self {
            word,
            position,
            token_type,
            embed_norm,
            layers,
            device: Device::Cpu,
        })
    }

    /// The word embeddings of a batch's tokens, `(b, n, HIDDEN)`.
    fn words(&self, ids: &[u32], b: usize, n: usize) -> Result<Tensor, EmbedError> {
        let mut x = vec![0f32; ids.len() * HIDDEN];
        for (row, &id) in x.chunks_exact_mut(HIDDEN).zip(ids) {
            let at = id as usize * HIDDEN;
            let range = at..at + HIDDEN;
            let ok = match &self.word {
                WordTable::F16(t) => t.get(range).map(|r| r.convert_to_f32_slice(row)),
                WordTable::F32(t) => t.get(range).map(|r| row.copy_from_slice(r)),
            };
            if ok.is_none() {
                return Err(EmbedError::Compute {
                    context: "word embeddings",
                    message: format!("token id {id} is outside the vocabulary"),
                });
            }
        }
        Tensor::from_vec(x, (b, n, HIDDEN), &self.device).map_err(compute("word embeddings"))
    }

    /// Mean-pooled, L2-normalised sentence vectors for a padded batch: `batch` rows of
    /// `HIDDEN` floats, in the batch's order.
    pub(crate) fn embed(&self, batch: &Batch) -> Result<Vec<Vec<f32>>, EmbedError> {
        let (b, n) = (batch.batch, batch.len);
        if n == 0 || n > POSITIONS || batch.ids.len() != b * n || batch.mask.len() != b * n {
            return Err(EmbedError::Compute {
                context: "batch shape",
                message: format!("{b} rows of {n} tokens"),
            });
        }
        let err = compute("forward pass");
        let mask = Tensor::from_slice(&batch.mask, (b, n), &self.device).map_err(&err)?;

        // Embeddings: word + position + token type, then LayerNorm.
        let positions = self.position.narrow(0, 0, n).map_err(&err)?;
        let x = self
            .words(&batch.ids, b, n)?
            .broadcast_add(&positions)
            .and_then(|x| x.broadcast_add(&self.token_type))
            .and_then(|x| self.embed_norm.forward(&x))
            .map_err(&err)?;

        // Padding positions get a large negative score before the softmax: (b, 1, 1, n).
        let bias = ((mask.ones_like().map_err(&err)? - &mask).map_err(&err)? * MASKED)
            .and_then(|t| t.reshape((b, 1, 1, n)))
            .map_err(&err)?;

        let mut x = x;
        for layer in &self.layers {
            x = layer.forward(&x, &bias, b, n).map_err(&err)?;
        }

        // Mean over real tokens, then L2 normalisation (sentence-transformers' Pooling
        // with mean tokens, then Normalize).
        let pooled = (|| {
            let m = mask.unsqueeze(2)?; // (b, n, 1)
            let summed = x.broadcast_mul(&m)?.sum(1)?; // (b, HIDDEN)
            let count = m.sum(1)?.clamp(1e-9, f64::MAX)?; // (b, 1)
            let mean = summed.broadcast_div(&count)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
            mean.broadcast_div(&norm)?
                .to_dtype(DType::F32)?
                .to_vec2::<f32>()
        })()
        .map_err(compute("pooling"))?;
        Ok(pooled)
    }
}

impl Layer {
    fn forward(
        &self,
        x: &Tensor,
        bias: &Tensor,
        b: usize,
        n: usize,
    ) -> candle_core::Result<Tensor> {
        // (b, n, 3·HIDDEN) → three (b, HEADS, n, HEAD_DIM) tensors.
        let qkv = self.qkv.forward(x)?;
        let heads = |i: usize| -> candle_core::Result<Tensor> {
            qkv.narrow(2, i * HIDDEN, HIDDEN)?
                .reshape((b, n, HEADS, HEAD_DIM))?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (heads(0)?, heads(1)?, heads(2)?);
        let scale = 1.0 / (HEAD_DIM as f64).sqrt();
        let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(bias)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b, n, HIDDEN))?;
        let x = self
            .attn_norm
            .forward(&(self.attn_out.forward(&context)? + x)?)?;
        let h = self.up.forward(&x)?.gelu_erf()?;
        self.out_norm.forward(&(self.down.forward(&h)? + &x)?)
    }
}
