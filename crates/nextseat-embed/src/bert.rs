//! The BERT encoder of all-MiniLM-L6-v2, on candle-core and candle-nn, in f32.
//!
//! The same arithmetic as `candle_transformers::models::bert` (and Hugging Face's
//! `BertModel`), written out here so the crate does not compile candle-transformers'
//! hundred-odd other models. Two changes that leave the result alone: the query, key and
//! value projections are fused into one matrix at load time (one matrix product a layer
//! instead of three), and the BERT pooler is not loaded (sentence-transformers pools the
//! last hidden state itself).

use std::collections::HashMap;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Embedding, LayerNorm, Linear};

use crate::EmbedError;

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
    word: Embedding,
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

/// Takes tensors out of the loaded map, checking each one's shape.
struct Weights {
    map: HashMap<String, Tensor>,
}

impl Weights {
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Tensor, EmbedError> {
        let t = self
            .map
            .remove(name)
            .ok_or_else(|| EmbedError::Weights(format!("tensor {name} is missing")))?;
        if t.dims() != shape {
            return Err(EmbedError::Weights(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                t.dims()
            )));
        }
        Ok(t)
    }

    fn linear(&mut self, prefix: &str, out: usize, inp: usize) -> Result<Linear, EmbedError> {
        let w = self.take(&format!("{prefix}.weight"), &[out, inp])?;
        let b = self.take(&format!("{prefix}.bias"), &[out])?;
        Ok(Linear::new(w, Some(b)))
    }

    fn norm(&mut self, prefix: &str) -> Result<LayerNorm, EmbedError> {
        let w = self.take(&format!("{prefix}.weight"), &[HIDDEN])?;
        let b = self.take(&format!("{prefix}.bias"), &[HIDDEN])?;
        Ok(LayerNorm::new(w, b, LAYER_NORM_EPS))
    }
}

impl Bert {
    /// Builds the encoder from f32 tensors named as in the Hugging Face checkpoint.
    pub(crate) fn new(map: HashMap<String, Tensor>, device: Device) -> Result<Self, EmbedError> {
        let mut w = Weights { map };
        let word = w.take("embeddings.word_embeddings.weight", &[crate::VOCAB, HIDDEN])?;
        let position = w.take(
            "embeddings.position_embeddings.weight",
            &[POSITIONS, HIDDEN],
        )?;
        let token_type = w
            .take("embeddings.token_type_embeddings.weight", &[2, HIDDEN])?
            .get(0)
            .map_err(compute("token type row"))?;
        let embed_norm = w.norm("embeddings.LayerNorm")?;
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}");
            let mut qkv_w = Vec::with_capacity(3);
            let mut qkv_b = Vec::with_capacity(3);
            for part in ["query", "key", "value"] {
                qkv_w.push(w.take(
                    &format!("{p}.attention.self.{part}.weight"),
                    &[HIDDEN, HIDDEN],
                )?);
                qkv_b.push(w.take(&format!("{p}.attention.self.{part}.bias"), &[HIDDEN])?);
            }
            let qkv = Linear::new(
                Tensor::cat(&qkv_w, 0).map_err(compute("fuse qkv"))?,
                Some(Tensor::cat(&qkv_b, 0).map_err(compute("fuse qkv"))?),
            );
            layers.push(Layer {
                qkv,
                attn_out: w.linear(&format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
                attn_norm: w.norm(&format!("{p}.attention.output.LayerNorm"))?,
                up: w.linear(&format!("{p}.intermediate.dense"), INTERMEDIATE, HIDDEN)?,
                down: w.linear(&format!("{p}.output.dense"), HIDDEN, INTERMEDIATE)?,
                out_norm: w.norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Self {
            word: Embedding::new(word, HIDDEN),
            position,
            token_type,
            embed_norm,
            layers,
            device,
        })
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
        let ids = Tensor::from_slice(&batch.ids, (b, n), &self.device).map_err(&err)?;
        let mask = Tensor::from_slice(&batch.mask, (b, n), &self.device).map_err(&err)?;

        // Embeddings: word + position + token type, then LayerNorm.
        let positions = self.position.narrow(0, 0, n).map_err(&err)?;
        let x = self
            .word
            .forward(&ids)
            .and_then(|x| x.broadcast_add(&positions))
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
