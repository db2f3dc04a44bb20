//! Finding where a key or value sits in a source text, so that a problem found after
//! parsing (an unknown id, a number out of range) can still name its line and column.
//!
//! TOML is re-parsed into toml's spanned document tree and the path is followed exactly.
//! serde_json keeps no spans, so for JSON the path's last key (or, for a list element,
//! the offending value) is searched for as a quoted string: exact for the ids and keys
//! of our formats, which do not repeat within a document in practice.

use crate::diag::{Diagnostic, LineIndex, Position};
use std::fmt::Write as _;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Renders a path as `situation.signs[1]`.
pub fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Builds a path from a dotted string with `[n]` indices (`situation.signs[1]`).
pub fn parse_path(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in s.split('.') {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(Seg::Key(rest[..b].to_string()));
            }
            rest = &rest[b..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(end) = stripped.find(']') else { break };
                if let Ok(i) = stripped[..end].parse() {
                    out.push(Seg::Index(i));
                }
                rest = &stripped[end + 1..];
            }
        } else if !rest.is_empty() {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

/// The byte span of the value at `path` in a parsed TOML document, or of the deepest
/// ancestor that exists.
pub fn toml_span(root: &Spanned<DeTable<'_>>, path: &[Seg]) -> Option<Range<usize>> {
    let mut span = root.span();
    let mut cur: Option<&Spanned<DeValue<'_>>> = None;
    for seg in path {
        let next = match (cur, seg) {
            (None, Seg::Key(k)) => root.get_ref().get(k.as_str()),
            (None, Seg::Index(_)) => None,
            (Some(v), Seg::Key(k)) => v.get_ref().get(k.as_str()),
            (Some(v), Seg::Index(i)) => v.get_ref().get(*i),
        };
        match next {
            Some(v) => {
                span = v.span();
                cur = Some(v);
            }
            None => break,
        }
    }
    Some(span)
}

/// A parsed document, ready to locate any number of paths in it: TOML is parsed into its
/// spanned tree once, JSON is scanned once for the paths asked about, and every offset
/// becomes a line and column through one [`LineIndex`]. Locating `n` problems in a text
/// of `m` bytes costs O(m + n log m), never O(n·m).
pub struct Document<'s> {
    src: &'s str,
    format: crate::profile::Format,
    lines: LineIndex<'s>,
}

impl<'s> Document<'s> {
    /// A document of `format` over `src`.
    pub fn new(src: &'s str, format: crate::profile::Format) -> Document<'s> {
        Document {
            src,
            format,
            lines: LineIndex::new(src),
        }
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex<'s> {
        &self.lines
    }

    /// Sets the position of every diagnostic that has none yet from its key (a dotted
    /// path such as `situation.signs[1]`).
    pub fn locate(&self, diags: &mut [Diagnostic]) {
        let wanted: Vec<usize> = (0..diags.len())
            .filter(|&i| diags[i].position.is_none() && !diags[i].key.is_empty())
            .collect();
        if wanted.is_empty() {
            return;
        }
        let offsets: Vec<Option<usize>> = match self.format {
            crate::profile::Format::Toml => {
                let (root, errors) = DeTable::parse_recoverable(self.src);
                if !errors.is_empty() {
                    return;
                }
                wanted
                    .iter()
                    .map(|&i| toml_span(&root, &parse_path(&diags[i].key)).map(|s| s.start))
                    .collect()
            }
            crate::profile::Format::Json => {
                let keys: Vec<&str> = wanted.iter().map(|&i| diags[i].key.as_str()).collect();
                json_offsets(self.src, &keys)
            }
        };
        for (&i, offset) in wanted.iter().zip(offsets) {
            diags[i].position = offset.map(|o| self.lines.position(o));
        }
    }
}

/// The offset of the value at each dotted path in a JSON text (`None` where there is no
/// such value), found in one pass. The text is expected to be valid JSON (serde has
/// read it already); on anything else the scan stops and what it found stands.
pub fn json_offsets(src: &str, paths: &[&str]) -> Vec<Option<usize>> {
    let mut wanted: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (i, p) in paths.iter().enumerate() {
        wanted.entry(p).or_insert(i);
    }
    let mut scan = JsonScan {
        b: src.as_bytes(),
        i: 0,
        path: String::new(),
        wanted,
        found: vec![None; paths.len()],
        left: paths.len(),
    };
    scan.value(0);
    // Paths asked about twice share the first one's answer.
    let mut found = scan.found;
    for (i, p) in paths.iter().enumerate() {
        if found[i].is_none()
            && let Some(first) = paths.iter().position(|q| q == p)
        {
            found[i] = found[first];
        }
    }
    found
}

/// Deepest nesting the scan follows (serde_json refuses deeper documents anyway).
const MAX_DEPTH: usize = 256;

struct JsonScan<'a> {
    b: &'a [u8],
    i: usize,
    path: String,
    wanted: rustc_hash::FxHashMap<&'a str, usize>,
    found: Vec<Option<usize>>,
    left: usize,
}

impl JsonScan<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Reads a string starting at its opening quote; returns its text with escapes
    /// decoded (or `None` if it is not a well-formed string).
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                }
                b'"' => {
                    let raw = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                    return if escaped {
                        serde_json::from_str(raw).ok()
                    } else {
                        Some(raw[1..raw.len() - 1].to_string())
                    };
                }
                _ => {}
            }
        }
        None
    }

    /// After an item of a list or table: `None` to go on to the next item, or how the
    /// scan ends here (true past the closing `close`, false to stop).
    fn next_item(&mut self, go_on: bool, close: u8) -> Option<bool> {
        if !go_on {
            return Some(false);
        }
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                None
            }
            Some(b) if b == close => {
                self.i += 1;
                Some(true)
            }
            _ => Some(false),
        }
    }

    /// Scans one value; false when the scan should stop.
    fn value(&mut self, depth: usize) -> bool {
        self.ws();
        if self.left > 0
            && !self.path.is_empty()
            && let Some(&k) = self.wanted.get(self.path.as_str())
            && self.found[k].is_none()
        {
            self.found[k] = Some(self.i);
            self.left -= 1;
        }
        if self.left == 0 || depth > MAX_DEPTH {
            return false;
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return true;
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return false;
                    }
                    let Some(key) = self.string() else {
                        return false;
                    };
                    self.ws();
                    if self.peek() != Some(b':') {
                        return false;
                    }
                    self.i += 1;
                    let base = self.path.len();
                    if base > 0 {
                        self.path.push('.');
                    }
                    self.path.push_str(&key);
                    let go_on = self.value(depth + 1);
                    self.path.truncate(base);
                    match self.next_item(go_on, b'}') {
                        Some(done) => return done,
                        None => continue,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return true;
                }
                for n in 0usize.. {
                    let base = self.path.len();
                    let _ = write!(self.path, "[{n}]");
                    let go_on = self.value(depth + 1);
                    self.path.truncate(base);
                    if let Some(done) = self.next_item(go_on, b']') {
                        return done;
                    }
                }
                false
            }
            Some(b'"') => self.string().is_some(),
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                true
            }
            None => false,
        }
    }
}

/// Deserialises a TOML or JSON document, turning a syntax or shape error into one
/// located, plain-worded diagnostic.
pub fn deserialize<T: serde::de::DeserializeOwned>(
    src: &str,
    format: crate::profile::Format,
) -> Result<T, crate::diag::Diagnostic> {
    use crate::diag::humanise;
    match format {
        crate::profile::Format::Toml => toml::from_str(src).map_err(|e| {
            Diagnostic::new("", humanise(e.message())).at_span(&LineIndex::new(src), e.span())
        }),
        crate::profile::Format::Json => serde_json::from_str(src).map_err(|e| {
            let pos = (e.line() > 0).then(|| Position {
                line: e.line(),
                column: e.column().max(1),
            });
            let msg = e.to_string();
            let msg = msg
                .rfind(" at line ")
                .map_or(msg.clone(), |i| msg[..i].to_string());
            Diagnostic::new("", humanise(&msg)).at(pos)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let p = parse_path("situation.signs[1]");
        assert_eq!(
            p,
            vec![
                Seg::Key("situation".into()),
                Seg::Key("signs".into()),
                Seg::Index(1)
            ]
        );
        assert_eq!(render_path(&p), "situation.signs[1]");
    }

    use crate::profile::Format;

    fn locate(src: &str, format: Format, keys: &[&str]) -> Vec<Option<Position>> {
        let mut diags: Vec<Diagnostic> = keys.iter().map(|k| Diagnostic::new(*k, "x")).collect();
        Document::new(src, format).locate(&mut diags);
        diags.into_iter().map(|d| d.position).collect()
    }

    #[test]
    fn finds_toml_array_elements() {
        let src = "[situation]\nsigns = [\"a\", \"bad\"]\n";
        let pos = locate(src, Format::Toml, &["situation.signs[1]"]);
        assert_eq!(
            pos,
            [Some(Position {
                line: 2,
                column: 15
            })]
        );
    }

    #[test]
    fn finds_json_values_by_exact_path() {
        let src = "{\n  \"company\": {\"employees\": 0},\n  \"situation\": {\"signs\": [\"x\", \"x\", {\"k\": [1, \"x\"]}]}\n}";
        let pos = locate(
            src,
            Format::Json,
            &[
                "company.employees",
                "situation.signs[1]",
                "situation.signs[2].k[1]",
                "nope",
                "situation.signs[1]",
            ],
        );
        assert_eq!(
            pos,
            [
                Some(Position {
                    line: 2,
                    column: 28
                }),
                Some(Position {
                    line: 3,
                    column: 32
                }),
                Some(Position {
                    line: 3,
                    column: 47
                }),
                None,
                Some(Position {
                    line: 3,
                    column: 32
                }),
            ]
        );
    }

    #[test]
    fn json_keys_with_escapes_are_decoded() {
        let src = r#"{"a\"b": {"c": [true, null]}}"#;
        assert_eq!(json_offsets(src, &["a\"b.c[1]"]), [Some(22)]);
    }

    proptest::proptest! {
        /// The scan never panics or loops on any text, valid JSON or not.
        #[test]
        fn json_scan_takes_anything(src in "[\\[\\]{}\",:a-z0-9 \\\\]{0,60}") {
            let _ = json_offsets(&src, &["a", "a[0]", "b.c"]);
        }

        /// Every element of a list is found where it is, whatever the layout.
        #[test]
        fn json_list_elements_are_found(items in proptest::collection::vec("[a-z]{0,4}", 0..20), pad in " {0,3}") {
            let body: Vec<String> = items.iter().map(|s| format!("{pad}\"{s}\"{pad}")).collect();
            let src = format!("{{{pad}\"l\"{pad}:{pad}[{}]}}", body.join(","));
            let keys: Vec<String> = (0..items.len()).map(|i| format!("l[{i}]")).collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            let found = json_offsets(&src, &refs);
            for (i, f) in found.iter().enumerate() {
                let at = f.ok_or_else(|| proptest::test_runner::TestCaseError::fail("not found"))?;
                let quoted = format!("\"{}\"", items[i]);
                proptest::prop_assert!(src[at..].starts_with(&quoted));
            }
        }
    }
}
