//! Diagnostics: what is wrong with an input, where, and what would be valid.
//!
//! Every validation in this crate collects [`Diagnostic`]s instead of stopping at the
//! first problem, so a consultancy fixing a knowledge base sees the whole list at once.
//! The file name is not known here; the edge adds it when it renders.

use std::fmt;

/// A 1-based line and column in a source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Position {
    /// The position of byte offset `offset` in `src` (clamped to the text's end).
    pub fn of_offset(src: &str, offset: usize) -> Position {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = src[line_start..offset].chars().count() + 1;
        Position { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One problem with an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The key the problem is about, as a dotted path (`situation.signs[1]`); empty when the
    /// problem is the whole document (a syntax error).
    pub key: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// Where, when the format lets us say.
    pub position: Option<Position>,
    /// The closest valid id, for an unknown id.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with no position or suggestion yet.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            key: key.into(),
            message: message.into(),
            position: None,
            suggestion: None,
        }
    }

    /// Sets the position.
    pub fn at(mut self, position: Option<Position>) -> Diagnostic {
        self.position = position;
        self
    }

    /// Sets the position from a byte span in `src`.
    pub fn at_span(self, src: &str, span: Option<std::ops::Range<usize>>) -> Diagnostic {
        let pos = span.map(|s| Position::of_offset(src, s.start));
        self.at(pos)
    }

    /// Sets the suggestion.
    pub fn suggest(mut self, suggestion: Option<String>) -> Diagnostic {
        self.suggestion = suggestion;
        self
    }

    /// Renders the diagnostic as one line, prefixed with `origin` (a file name) and the
    /// position when known: `profile.toml:12:9: situation.signs[1]: unknown sign …`.
    pub fn render(&self, origin: &str) -> String {
        let mut out = String::from(origin);
        if let Some(p) = self.position {
            out.push_str(&format!(":{p}"));
        }
        out.push_str(": ");
        if !self.key.is_empty() {
            out.push_str(&self.key);
            out.push_str(": ");
        }
        out.push_str(&self.message);
        if let Some(s) = &self.suggestion {
            out.push_str(&format!(" (did you mean \"{s}\"?)"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("input"))
    }
}

/// A non-empty list of problems found in one input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s), first: {}", .0.len(), .0.first().map(|d| d.to_string()).unwrap_or_default())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// `Ok(())` when `list` is empty.
    pub fn check(list: Vec<Diagnostic>) -> Result<(), Diagnostics> {
        if list.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(list))
        }
    }
}

/// Rewrites serde's type words into plain ones ("expected i64" becomes "expected a whole
/// number") and folds the message onto one line.
pub fn humanise(msg: &str) -> String {
    let mut s = msg.trim().replace('\n', " ");
    for (from, to) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("invalid type: sequence", "invalid type: list"),
        ("invalid type: map", "invalid type: table"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// The candidate closest to `wrong` by edit distance, when it is close enough to be a
/// plausible typo (or shares a prefix/suffix that makes it an obvious intent).
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let w = wrong.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&w, &c.to_ascii_lowercase());
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.7).map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_characters() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(Position::of_offset(src, 0), Position { line: 1, column: 1 });
        let off = src.find('=').expect("=");
        assert_eq!(Position::of_offset(src, off).column, 3);
        let off2 = src.rfind('=').expect("=");
        assert_eq!(
            Position::of_offset(src, off2),
            Position { line: 2, column: 4 }
        );
    }

    #[test]
    fn closest_finds_typos_and_refuses_nonsense() {
        let ids = ["coo.firefighting", "coo.missing_sops", "cso.new_markets"];
        assert_eq!(
            closest("coo.firefihgting", ids).as_deref(),
            Some("coo.firefighting")
        );
        assert_eq!(closest("zzzzzzzzzzzzzzzzzzz", ids), None);
    }

    #[test]
    fn humanises_serde_words() {
        assert_eq!(
            humanise("invalid type: string \"x\", expected i64\n"),
            "invalid type: string \"x\", expected a whole number"
        );
    }

    #[test]
    fn renders_one_line_with_everything() {
        let d = Diagnostic::new("situation.signs[0]", "unknown sign id \"x\"")
            .at(Some(Position { line: 3, column: 9 }))
            .suggest(Some("coo.firefighting".into()));
        assert_eq!(
            d.render("p.toml"),
            "p.toml:3:9: situation.signs[0]: unknown sign id \"x\" (did you mean \"coo.firefighting\"?)"
        );
    }
}
