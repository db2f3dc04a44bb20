//! Tests that need the model files (`bash scripts/fetch-model.sh` makes them).
//!
//! Without `models/all-minilm-l6-v2` the first test to need it prints "skipped: …" and
//! every test passes without checking anything, unless `NEXTSEAT_REQUIRE_MODEL=1`, when
//! they fail. `NEXTSEAT_MODEL_DIR` points elsewhere.

use std::path::PathBuf;
use std::sync::OnceLock;

use nextseat_embed::{DIM, Embed, EmbedError, MAX_TOKENS, MiniLm, cosine};

fn model_dir() -> PathBuf {
    match std::env::var_os("NEXTSEAT_MODEL_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/all-minilm-l6-v2"),
    }
}

/// The model, loaded once per test binary; `None` (after saying so) when it is absent
/// and not required.
fn model() -> Option<&'static MiniLm> {
    static MODEL: OnceLock<Option<MiniLm>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = model_dir();
            let required = std::env::var("NEXTSEAT_REQUIRE_MODEL").is_ok_and(|v| v == "1");
            if !dir.join(nextseat_embed::WEIGHTS_FILE).exists() && !required {
                eprintln!(
                    "skipped: no model at {} (run `bash scripts/fetch-model.sh`; \
                     NEXTSEAT_REQUIRE_MODEL=1 makes this a failure)",
                    dir.display()
                );
                return None;
            }
            match MiniLm::load(&dir) {
                Ok(m) => Some(m),
                Err(e) => panic!("cannot load the model from {}: {e}", dir.display()),
            }
        })
        .as_ref()
}

macro_rules! model_or_skip {
    () => {
        match model() {
            Some(m) => m,
            None => return,
        }
    };
}

struct Reference {
    text: String,
    ids: Vec<u32>,
    vector: Vec<f32>,
}

fn reference() -> Vec<Reference> {
    let raw = include_str!("fixtures/reference.json");
    let json: serde_json::Value = serde_json::from_str(raw).expect("fixture is JSON");
    let rows = json["sentences"].as_array().expect("sentences array");
    rows.iter()
        .map(|r| Reference {
            text: r["text"].as_str().expect("text").to_owned(),
            ids: r["ids"]
                .as_array()
                .expect("ids")
                .iter()
                .map(|v| v.as_u64().expect("id") as u32)
                .collect(),
            vector: r["vector"]
                .as_array()
                .expect("vector")
                .iter()
                .map(|v| v.as_f64().expect("float") as f32)
                .collect(),
        })
        .collect()
}

#[test]
fn matches_the_numpy_reference() {
    let m = model_or_skip!();
    let refs = reference();
    assert!(refs.len() >= 20);
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    // Truncated, as the reference (and sentence-transformers) truncates at 256.
    let got = m.embed_truncated(&texts).expect("embed");
    let mut worst = 1.0f32;
    for (r, v) in refs.iter().zip(&got) {
        assert_eq!(v.len(), DIM);
        assert_eq!(r.vector.len(), DIM);
        let c = cosine(&r.vector, v);
        worst = worst.min(c);
        assert!(c >= 0.9999, "cosine {c} for {:?}", r.text);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm} for {:?}", r.text);
    }
    eprintln!("worst cosine to the numpy reference: {worst:.7}");
}

#[test]
fn tokenizes_like_the_python_tokenizer() {
    let m = model_or_skip!();
    for r in reference() {
        let n = m.count_tokens(&r.text).expect("count");
        // The reference truncates at 256; count_tokens does not.
        assert_eq!(n.min(MAX_TOKENS), r.ids.len(), "{:?}", r.text);
    }
}

#[test]
fn batched_equals_one_at_a_time() {
    let m = model_or_skip!();
    let texts = [
        "Short.",
        "A somewhat longer sentence about hiring a chief operating officer next quarter.",
        "",
        "Mid-length text, with commas, and a few clauses.",
    ];
    let batched = m.embed(&texts).expect("batch");
    for (t, b) in texts.iter().zip(&batched) {
        let single = m.embed(&[t]).expect("single");
        let c = cosine(&single[0], b);
        assert!(
            c > 0.999_999,
            "{t:?}: cosine {c} between batched and single"
        );
    }
}

#[test]
fn the_trait_gives_the_same_vectors() {
    let m = model_or_skip!();
    let e: &dyn Embed = m;
    let a = e.embed(&["We need a COO."]).expect("trait");
    let b = m.embed(&["We need a COO."]).expect("inherent");
    assert_eq!(a, b);
}

#[test]
fn similar_sentences_are_closer_than_unrelated_ones() {
    let m = model_or_skip!();
    let v = m
        .embed(&[
            "Nobody is in charge of day-to-day operations.",
            "We have no one running operations.",
            "The weather in Lisbon was lovely in May.",
        ])
        .expect("embed");
    let near = cosine(&v[0], &v[1]);
    let far = cosine(&v[0], &v[2]);
    assert!(
        near > 0.6 && far < 0.2 && near > far + 0.4,
        "near {near}, far {far}"
    );
}

#[test]
fn too_long_is_an_error_not_a_truncation() {
    let m = model_or_skip!();
    let long = "operations ".repeat(300);
    match m.embed(&["fine", &long]) {
        Err(EmbedError::TooLong { index, tokens, max }) => {
            assert_eq!((index, tokens, max), (1, 302, MAX_TOKENS));
        }
        other => panic!("expected TooLong, got {other:?}"),
    }
    let v = m.embed_truncated(&["fine", &long]).expect("truncated");
    assert_eq!(v.len(), 2);
}

#[test]
fn embed_text_pieces_match_embedding_each_piece() {
    let m = model_or_skip!();
    let text = "Our CEO runs sales, hiring and finance herself. Mr. Jones left in May!\n\n\
                - no operations lead\n- no plan for next year\nWe grew 40% last year; \
                margins fell.";
    let passages = m.embed_text(text).expect("embed_text");
    let pieces: Vec<&str> = passages.iter().map(|p| &text[p.range.clone()]).collect();
    assert_eq!(
        pieces,
        [
            "Our CEO runs sales, hiring and finance herself.",
            "Mr. Jones left in May!",
            "- no operations lead",
            "- no plan for next year",
            "We grew 40% last year; margins fell."
        ]
    );
    let direct = m.embed(&pieces).expect("embed");
    for (p, d) in passages.iter().zip(&direct) {
        assert!(cosine(&p.vector, d) > 0.999_999);
    }
}

#[test]
fn long_sentences_are_cut_into_clauses_then_windows() {
    let m = model_or_skip!();
    // One 'sentence' of 60 clauses (5 word pieces each), then a 700-word run on.
    let clauses = "the backlog grows, ".repeat(60);
    let run = "ops ".repeat(700);
    let text = format!("{clauses}end. {run}");
    let passages = m.embed_text(&text).expect("embed_text");
    assert_eq!(passages.len(), 2 + 3, "{passages:?}");
    let mut last_end = 0;
    for p in &passages {
        assert!(p.tokens <= MAX_TOKENS, "{} tokens", p.tokens);
        assert!(p.range.start >= last_end, "pieces overlap or go backwards");
        last_end = p.range.end;
        assert_eq!(p.vector.len(), DIM);
        // Each piece is embeddable as-is: its text gives the same tokens.
        assert_eq!(
            m.count_tokens(&text[p.range.clone()]).expect("count"),
            p.tokens
        );
    }
    // The first sentence splits at commas only.
    assert!(text[passages[0].range.clone()].ends_with(','));
}

#[test]
fn odd_inputs_give_vectors_or_errors_never_panics() {
    let m = model_or_skip!();
    let big = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(1800); // ~100 KB
    let nasty = [
        "",
        " ",
        "\u{0}\u{1}\u{7f}",
        "\u{200b}\u{feff}\u{2028}",
        "a\u{301}\u{301}\u{301}\u{301}",
        "🏳️‍🌈👩‍👩‍👧‍👦",
        "\u{10ffff}\u{e000}",
        "x",
        &"y".repeat(5000),
        "ﷺ ﷽ 𒐫 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ];
    let v = m.embed_truncated(&nasty).expect("nasty inputs");
    for (t, x) in nasty.iter().zip(&v) {
        assert_eq!(x.len(), DIM);
        assert!(
            x.iter().all(|f| f.is_finite()),
            "non-finite vector for {t:?}"
        );
    }
    assert!(matches!(
        m.embed(&[big.as_str()]),
        Err(EmbedError::TooLong { .. })
    ));
    assert_eq!(m.embed_truncated(&[big.as_str()]).expect("big").len(), 1);
    // Cutting 100 KB is cheap; embedding all of it (about 25,000 word pieces) takes
    // seconds, so only its first 5 KB are embedded here.
    let pieces = m.pieces(&big).expect("big text");
    assert_eq!(pieces.len(), 1800);
    assert!(
        pieces
            .iter()
            .all(|(r, n)| *n <= MAX_TOKENS && !r.is_empty())
    );
    let head = &big[..big[..5000].rfind(". ").expect("a sentence end") + 1];
    let passages = m.embed_text(head).expect("5 KB text");
    assert_eq!(
        passages.len(),
        pieces.iter().filter(|(r, _)| r.end <= head.len()).count()
    );
    let unsplit = "word ".repeat(20_000); // 100 KB, no punctuation at all
    let windows = m.pieces(&unsplit).expect("unpunctuated text");
    assert!(windows.len() >= 20_000 / 254);
    assert!(windows.iter().all(|(_, n)| *n <= MAX_TOKENS));
    assert!(m.embed(&[]).expect("nothing").is_empty());
    assert!(m.embed_text("").expect("empty").is_empty());
    assert!(m.embed_text("\u{0}\u{7}").expect("controls").is_empty());
}

#[test]
fn from_bytes_gives_the_same_model_as_load() {
    let m = model_or_skip!();
    let dir = model_dir();
    let read = |f: &str| std::fs::read(dir.join(f)).expect("model file");
    let b = MiniLm::from_bytes(
        &read(nextseat_embed::WEIGHTS_FILE),
        &read(nextseat_embed::TOKENIZER_FILE),
    )
    .expect("from_bytes");
    let texts = [
        "We need a COO.",
        "Our founder is stretched thin; sales suffer.",
    ];
    assert_eq!(
        m.embed(&texts).expect("load"),
        b.embed(&texts).expect("bytes")
    );
}

#[test]
fn damaged_weights_are_typed_errors() {
    let _ = model_or_skip!();
    let dir = model_dir();
    let weights = std::fs::read(dir.join(nextseat_embed::WEIGHTS_FILE)).expect("weights");
    let tokenizer = std::fs::read(dir.join(nextseat_embed::TOKENIZER_FILE)).expect("tokenizer");
    // Truncated, header only, length field garbage, header JSON damaged.
    let mut garbage_len = weights.clone();
    garbage_len[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    let mut bad_json = weights.clone();
    bad_json[8] = b'[';
    let cases: [&[u8]; 5] = [
        &weights[..weights.len() / 2],
        &weights[..11_000],
        &garbage_len,
        &bad_json,
        &[],
    ];
    let tmp = std::env::temp_dir().join(format!("nextseat-embed-damaged-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    std::fs::write(tmp.join(nextseat_embed::TOKENIZER_FILE), &tokenizer).expect("write");
    for case in cases {
        let r = MiniLm::from_bytes(case, &tokenizer);
        assert!(
            matches!(r, Err(EmbedError::Weights(_))),
            "from_bytes: {r:?}"
        );
        std::fs::write(tmp.join(nextseat_embed::WEIGHTS_FILE), case).expect("write");
        let r = MiniLm::load(&tmp);
        assert!(
            matches!(r, Err(EmbedError::Weights(_) | EmbedError::Io { .. })),
            "load: {r:?}"
        );
    }
    let r = MiniLm::from_bytes(&weights, b"{\"not\": \"a tokenizer\"}");
    assert!(matches!(r, Err(EmbedError::Tokenizer(_))), "{r:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn model_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<MiniLm>();
}

#[test]
fn a_missing_directory_is_a_typed_error() {
    match MiniLm::load("/nonexistent/nextseat-model") {
        Err(EmbedError::Io { path, .. }) => assert!(path.ends_with("model.f16.safetensors")),
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(matches!(
        MiniLm::from_bytes(b"not safetensors", b"{}"),
        Err(EmbedError::Weights(_))
    ));
}

mod arbitrary_text {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Any text cuts into pieces that fit the model, in order, without panicking;
        /// the cut needs only the tokenizer, so this is cheap.
        #[test]
        fn any_text_cuts_into_pieces_that_fit(
            text in prop_oneof![
                any::<String>(),
                "[a-zA-Z .!?;:,\\-\n\"'()0-9…。、🚚\u{301}\u{200b}]{0,2000}",
            ]
        ) {
            let Some(m) = model() else { return Ok(()); };
            let pieces = m.pieces(&text).expect("pieces");
            let mut last = 0;
            for (range, tokens) in &pieces {
                prop_assert!(*tokens <= MAX_TOKENS && *tokens > 2);
                prop_assert!(range.start >= last && range.start < range.end);
                prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
                last = range.end;
            }
        }
    }
}
