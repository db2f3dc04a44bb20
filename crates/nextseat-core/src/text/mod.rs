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

/// [`words`] for a text that is all ASCII (most are): the same rules on bytes, and a
/// word without an inner apostrophe or hyphen skips the contraction rules.
fn ascii_words(text: &str, buf: &mut String, mut emit: impl FnMut(&str, usize, usize, usize)) {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'&';
    let bytes = text.as_bytes();
    let mut clause = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if is_clause_break(char::from(c)) {
            clause += 1;
            i += 1;
            continue;
        }
        if !is_word(c) {
            i += 1;
            continue;
        }
        let start = i;
        let mut marks = false;
        i += 1;
        while i < bytes.len() {
            let d = bytes[i];
            if is_word(d) {
                i += 1;
            } else if (d == b'\'' || d == b'-') && bytes.get(i + 1).copied().is_some_and(is_word) {
                marks = true;
                i += 1;
            } else {
                break;
            }
        }
        buf.clear();
        buf.push_str(&text[start..i]);
        buf.make_ascii_lowercase();
        if marks || buf == "cannot" {
            split_word(buf, |w| emit(w, start, i, clause));
        } else {
            emit(buf, start, i, clause);
        }
    }
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
}
