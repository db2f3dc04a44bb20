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
    /// The position of byte offset `offset` in `src` (clamped to the text's end). For
    /// many offsets in one text, build a [`LineIndex`] once instead.
    pub fn of_offset(src: &str, offset: usize) -> Position {
        LineIndex::new(src).position(offset)
    }
}

/// Where each line of a text starts, found on first use; then a byte offset becomes a
/// line and column in logarithmic time plus the length of its own line. Validation
/// locates every problem through one index, so a document with many problems is
/// scanned once, not once per problem.
#[derive(Debug)]
pub struct LineIndex<'s> {
    src: &'s str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'s> LineIndex<'s> {
    /// An index over `src`; nothing is scanned until the first lookup.
    pub fn new(src: &'s str) -> LineIndex<'s> {
        LineIndex {
            src,
            starts: std::cell::OnceCell::new(),
        }
    }

    /// The position of byte offset `offset` (clamped to the text's end).
    pub fn position(&self, offset: usize) -> Position {
        let src = self.src;
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(newlines(src).map(|i| i + 1))
                .collect()
        });
        // The last line start at or before the offset.
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts[line - 1];
        let column = src[line_start..offset].chars().count() + 1;
        Position { line, column }
    }

    /// The position of the start of `span`, when there is one.
    pub fn span(&self, span: Option<std::ops::Range<usize>>) -> Option<Position> {
        span.map(|s| self.position(s.start))
    }
}

fn newlines(src: &str) -> impl Iterator<Item = usize> + '_ {
    src.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
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

    /// Sets the position from a byte span of the text `lines` indexes.
    pub fn at_span(
        self,
        lines: &LineIndex<'_>,
        span: Option<std::ops::Range<usize>>,
    ) -> Diagnostic {
        let pos = lines.span(span);
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

/// Most problems listed for one input. Past this the list ends with one line saying how
/// many more there are: a person fixes a file from the top, and a hostile input must not
/// turn into a reply many times its own size.
pub const MAX_LISTED: usize = 50;

/// A non-empty list of problems found in one input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} {}, first: {}", .0.len(), if .0.len() == 1 { "problem" } else { "problems" }, .0.first().map(|d| d.to_string()).unwrap_or_default())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// `Ok(())` when `list` is empty; otherwise the list as [`Diagnostics::capped`].
    pub fn check(list: Vec<Diagnostic>) -> Result<(), Diagnostics> {
        if list.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics::capped(list))
        }
    }

    /// The list cut to [`MAX_LISTED`] problems, with a last line counting the rest.
    pub fn capped(mut list: Vec<Diagnostic>) -> Diagnostics {
        if list.len() > MAX_LISTED {
            let more = list.len() - MAX_LISTED;
            list.truncate(MAX_LISTED);
            list.push(Diagnostic::new(
                "",
                format!(
                    "and {more} more problem{} not listed: fix these first",
                    if more == 1 { "" } else { "s" }
                ),
            ));
        }
        Diagnostics(list)
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
