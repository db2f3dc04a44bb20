//! Text matching: the shared tokenizer and stemmer behind narrative intake and the
//! ownership audit.
//!
//! Words are lower-cased, split on anything that is not a letter, digit or inner
//! apostrophe/hyphen, contractions are expanded ("don't" → "do not"), and each word is
//! reduced to its Snowball English stem (rust-stemmers), so "deliveries", "delivered"
//! and "delivery" meet. Every token keeps its byte span, so a match can quote the exact
//! phrase of the input.

pub mod eval;
pub mod narrative;
pub mod semantic;
pub mod softmax;
pub mod tags;

use rust_stemmers::{Algorithm, Stemmer};

/// One word of an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word, lower-cased.
    pub word: String,
    /// Its stem.
    pub stem: String,
    /// Byte offset of the word's start in the input.
    pub start: usize,
    /// Byte offset just past the word's end.
    pub end: usize,
    /// Index of the clause the token is in (clauses break at . ! ? ; : , and line breaks).
    pub clause: usize,
}

/// The tokenizer and stemmer.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(english)")
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '&'
}

impl Analyzer {
    /// An English analyzer.
    pub fn new() -> Analyzer {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// The stem of one lower-case word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    /// The stem of one lower-case word, borrowed when the word is its own stem.
    pub fn stemmer_stem<'w>(&self, word: &'w str) -> std::borrow::Cow<'w, str> {
        self.stemmer.stem(word)
    }

    /// The stems of a phrase, in order.
    pub fn stems(&self, phrase: &str) -> Vec<String> {
        self.tokens(phrase).into_iter().map(|t| t.stem).collect()
    }

    /// Splits `text` into tokens with their spans and clause numbers.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        // Words repeat a lot in prose; stemming each distinct word once halves the cost.
        let mut cache: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        let mut buf = String::new();
        words(text, &mut buf, |w, start, end, clause| {
            let stem = match cache.get(w) {
                Some(s) => s.clone(),
                None => {
                    let s = self.stem(w);
                    cache.insert(w.to_string(), s.clone());
                    s
                }
            };
            out.push(Token {
                word: w.to_string(),
                stem,
                start,
                end,
                clause,
            });
        });
        out
    }
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | ':' | ',' | '\n' | '(' | ')' | '"' | '—' | '–'
    )
}

/// Walks the words of `text`, the one tokenisation every matcher shares. Each word is
/// lower-cased and handed to `emit` with its byte span and clause number; contractions
/// are expanded ("don't" gives "do" and "not", both with the span of "don't"), a
/// clitic is dropped ("we're" gives "we"), and hyphenated words give their parts.
/// `buf` is scratch space, reused across calls so that walking allocates nothing.
pub fn words(text: &str, buf: &mut String, mut emit: impl FnMut(&str, usize, usize, usize)) {
    if text.is_ascii() {
        return ascii_words(text, buf, emit);
    }
    let mut clause = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_clause_break(c) {
            clause += 1;
            continue;
        }
        if !is_word_char(c) {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            let inner = (d == '\'' || d == '’' || d == '-')
                && text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_word_char);
            if is_word_char(d) || inner {
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        buf.clear();
        let raw = &text[start..end];
        if raw.is_ascii() {
            buf.push_str(raw);
            buf.make_ascii_lowercase();
        } else {
            buf.push_str(&raw.to_lowercase().replace('’', "'"));
        }
        split_word(buf, |w| emit(w, start, end, clause));
    }
}

/// Byte classes of ASCII text: a word byte, a clause break, or neither.
const WORD: u8 = 1;
const BREAK: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'&' {
            t[b] = WORD;
        } else if matches!(
            c,
            b'.' | b'!' | b'?' | b';' | b':' | b',' | b'\n' | b'(' | b')' | b'"'
        ) {
            t[b] = BREAK;
        }
        b += 1;
    }
    t
};

/// Calls `f(start, end, marks, clause)` for every word of an ASCII text: its byte span,
/// whether it holds an inner apostrophe or hyphen, and its clause number. The rules of
/// [`words`], on a table of byte classes.
#[inline]
fn ascii_spans(bytes: &[u8], mut f: impl FnMut(usize, usize, bool, usize)) {
    let class = |i: usize| bytes.get(i).map_or(0, |&b| CLASS[usize::from(b)]);
    let mut clause = 0;
    let mut i = 0;
    while i < bytes.len() {
        match CLASS[usize::from(bytes[i])] {
            BREAK => {
                clause += 1;
                i += 1;
                continue;
            }
            WORD => {}
            _ => {
                i += 1;
                continue;
            }
        }
        let start = i;
        let mut marks = false;
        i += 1;
        loop {
            if class(i) == WORD {
                i += 1;
            } else if matches!(bytes.get(i), Some(b'\'' | b'-')) && class(i + 1) == WORD {
                marks = true;
                i += 2;
            } else {
                break;
            }
        }
        f(start, i, marks, clause);
    }
}

/// [`words`] for a text that is all ASCII (most are): the same rules on bytes, and a
/// word without an inner apostrophe or hyphen skips the contraction rules.
fn ascii_words(text: &str, buf: &mut String, mut emit: impl FnMut(&str, usize, usize, usize)) {
    ascii_spans(text.as_bytes(), |start, end, marks, clause| {
        buf.clear();
        buf.push_str(&text[start..end]);
        buf.make_ascii_lowercase();
        if marks || buf == "cannot" {
            split_word(buf, |w| emit(w, start, end, clause));
        } else {
            emit(buf, start, end, clause);
        }
    });
}

/// A word as [`packed_words`] hands it over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Word<'a> {
    /// A plain word of at most 15 bytes, lower-cased and packed by [`packed`].
    Packed(u128),
    /// Any other word, lower-cased.
    Text(&'a str),
}

/// [`words`] with short plain words of an ASCII text handed over packed
/// ([`Word::Packed`]): lower-cased straight from the input into an integer, never
/// copied into a string. The words, spans and clauses are exactly those of [`words`].
pub(crate) fn packed_words(
    text: &str,
    buf: &mut String,
    mut emit: impl FnMut(Word<'_>, usize, usize, usize),
) {
    if !text.is_ascii() {
        return words(text, buf, |w, start, end, clause| {
            emit(Word::Text(w), start, end, clause)
        });
    }
    const CANNOT: u128 = match packed("cannot") {
        Some(k) => k,
        None => 0,
    };
    let bytes = text.as_bytes();
    ascii_spans(bytes, |start, end, marks, clause| {
        let len = end - start;
        if !marks && len < 16 {
            // The word's bytes, read 16 at a time when the text is long enough.
            let raw = match bytes.get(start..start + 16) {
                Some(b) => {
                    let mut k = [0u8; 16];
                    k.copy_from_slice(b);
                    u128::from_le_bytes(k) & (u128::MAX >> (8 * (16 - len)))
                }
                None => {
                    let mut k = [0u8; 16];
                    k[..len].copy_from_slice(&bytes[start..end]);
                    u128::from_le_bytes(k)
                }
            };
            let key = ascii_lowercase(raw) | ((len as u128) << 120);
            if key != CANNOT {
                return emit(Word::Packed(key), start, end, clause);
            }
        }
        buf.clear();
        buf.push_str(&text[start..end]);
        buf.make_ascii_lowercase();
        if marks || buf == "cannot" {
            split_word(buf, |w| emit(Word::Text(w), start, end, clause));
        } else {
            emit(Word::Text(buf), start, end, clause);
        }
    });
}

/// Sixteen ASCII bytes at once, lower-cased: each byte from `A` to `Z` gains 0x20.
/// Bytes below 0x80 cannot carry into their neighbours when 0x3f or 0x25 is added.
const fn ascii_lowercase(x: u128) -> u128 {
    const ONES: u128 = u128::MAX / 0xff;
    const HIGH: u128 = ONES * 0x80;
    let low = x & (ONES * 0x7f);
    let from_a = low + ONES * (0x80 - b'A' as u128);
    let past_z = low + ONES * (0x80 - (b'Z' as u128 + 1));
    let upper = from_a & !past_z & !x & HIGH;
    x | (upper >> 2)
}

/// A word of at most 15 bytes as one integer: its bytes, and its length in the top byte.
pub(crate) const fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() >= 16 {
        return None;
    }
    let mut key = [0u8; 16];
    let mut i = 0;
    while i < bytes.len() {
        key[i] = bytes[i];
        i += 1;
    }
    key[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(key))
}

/// The word a [`packed`] key of an ASCII word holds, spelled out in `out`.
pub(crate) fn unpacked(key: u128, out: &mut [u8; 16]) -> &str {
    *out = key.to_le_bytes();
    let len = usize::from(out[15]).min(15);
    std::str::from_utf8(&out[..len]).unwrap_or("")
}

/// Expands one lower-cased word into the words a matcher sees.
fn split_word(raw: &str, mut emit: impl FnMut(&str)) {
    let mut emit = |w: &str| {
        if !w.is_empty() {
            emit(w);
        }
    };
    if raw == "cannot" {
        emit("can");
        emit("not");
    } else if let Some(base) = raw.strip_suffix("n't") {
        let base = match base {
            "wo" => "will",
            "ca" => "can",
            "sha" => "shall",
            b => b,
        };
        emit(base);
        emit("not");
    } else if let Some((base, _)) = raw.split_once('\'') {
        // "we're", "it's", "company's": keep the word, drop the clitic.
        emit(base);
    } else if raw.contains('-') {
        for part in raw.split('-') {
            emit(part);
        }
    } else {
        emit(raw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_inflections() {
        let a = Analyzer::new();
        assert_eq!(a.stem("deliveries"), a.stem("delivery"));
        assert_eq!(a.stem("procedures"), a.stem("procedure"));
    }

    #[test]
    fn contractions_expand_to_not() {
        let a = Analyzer::new();
        let words: Vec<String> = a
            .tokens("We don't lack SOPs, can't cope")
            .into_iter()
            .map(|t| t.word)
            .collect();
        assert_eq!(
            words,
            ["we", "do", "not", "lack", "sops", "can", "not", "cope"]
        );
    }

    #[test]
    fn ascii_and_unicode_texts_walk_alike() {
        let ascii = "We don't lack SOPs, can't cope; it's a well-known (re)design - ok cannot x-";
        // The same text with one non-ASCII character appended takes the general path.
        let unicode = format!("{ascii} é");
        let walk = |t: &str| {
            let mut out = Vec::new();
            words(t, &mut String::new(), |w, s, e, c| {
                out.push((w.to_string(), s, e, c))
            });
            out
        };
        let a = walk(ascii);
        let mut u = walk(&unicode);
        assert_eq!(u.pop().map(|w| w.0), Some("é".to_string()));
        assert_eq!(a, u);
        assert!(a.iter().any(|w| w.0 == "not"));
        assert!(a.iter().any(|w| w.0 == "known"));
    }

    #[test]
    fn spans_quote_the_input_and_clauses_split() {
        let a = Analyzer::new();
        let text = "Orders go out late. Everyone’s busy, really";
        let t = a.tokens(text);
        assert_eq!(&text[t[0].start..t[0].end], "Orders");
        assert_eq!(t[3].clause, 0);
        assert_eq!(t[4].word, "everyone");
        assert!(t[4].clause > t[3].clause);
        assert!(t[6].clause > t[5].clause);
    }

    #[test]
    fn sixteen_bytes_lower_case_at_once() {
        let all: Vec<u8> = (0u8..128).collect();
        for chunk in all.chunks(16) {
            let mut k = [0u8; 16];
            k.copy_from_slice(chunk);
            let mut want = k;
            want.make_ascii_lowercase();
            let got = ascii_lowercase(u128::from_le_bytes(k)).to_le_bytes();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn packed_words_are_distinct_and_long_words_are_not_packed() {
        let words = ["", "a", "a\0", "ab", "ba", "deliveries", "fifteen-bytes!!"];
        let keys: Vec<_> = words.iter().map(|w| packed(w)).collect();
        assert!(keys.iter().all(Option::is_some));
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(packed("sixteen-bytes!!!"), None);
        let mut out = [0u8; 16];
        let back = packed("deliveries").map(|k| unpacked(k, &mut out).to_string());
        assert_eq!(back.as_deref(), Some("deliveries"));
    }

    type Walk = Vec<(String, usize, usize, usize)>;

    /// Every word as [`words`] gives it, and as [`packed_words`] gives it, spelled out.
    fn both_walks(text: &str) -> (Walk, Walk) {
        let mut plain = Vec::new();
        words(text, &mut String::new(), |w, s, e, c| {
            plain.push((w.to_string(), s, e, c))
        });
        let mut keyed = Vec::new();
        let mut out = [0u8; 16];
        packed_words(text, &mut String::new(), |w, s, e, c| {
            let w = match w {
                Word::Packed(k) => unpacked(k, &mut out).to_string(),
                Word::Text(t) => t.to_string(),
            };
            keyed.push((w, s, e, c));
        });
        (plain, keyed)
    }

    #[test]
    fn packed_words_walk_as_words_do() {
        for text in [
            "We don't lack SOPs, can't cope; it's a well-known (re)design - ok cannot x-",
            "CANNOT Cannot cannot-do ABCDEFGHIJKLMNO abcdefghijklmnop a&b 'quoted' x--y",
            "Orders go out late. Everyone\u{2019}s busy, really",
            "",
        ] {
            let (plain, keyed) = both_walks(text);
            assert_eq!(plain, keyed, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn packed_words_walk_as_words_do_on_any_ascii(text in "[ -~\t\n\x0b]{0,80}") {
            let (plain, keyed) = both_walks(&text);
            proptest::prop_assert_eq!(plain, keyed);
        }
    }
}
