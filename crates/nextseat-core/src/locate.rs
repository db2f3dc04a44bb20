//! Finding where a key or value sits in a source text, so that a problem found after
//! parsing (an unknown id, a number out of range) can still name its line and column.
//!
//! TOML is re-parsed into toml's spanned document tree and the path is followed exactly.
//! serde_json keeps no spans, so for JSON the path's last key (or, for a list element,
//! the offending value) is searched for as a quoted string: exact for the ids and keys
//! of our formats, which do not repeat within a document in practice.

use crate::diag::Position;
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

/// The position of `path` in a TOML source text.
pub fn toml_position(src: &str, path: &[Seg]) -> Option<Position> {
    let (root, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        return None;
    }
    toml_span(&root, path).map(|s| Position::of_offset(src, s.start))
}

/// The position of `path` in a JSON source text: the offending `value` when given (as a
/// quoted string), else the last key of the path.
pub fn json_position(src: &str, path: &[Seg], value: Option<&str>) -> Option<Position> {
    let quoted = |s: &str| serde_json::to_string(s).ok();
    if let Some(v) = value.and_then(quoted)
        && let Some(i) = src.find(&v)
    {
        return Some(Position::of_offset(src, i));
    }
    let key = path.iter().rev().find_map(|s| match s {
        Seg::Key(k) => Some(k.as_str()),
        Seg::Index(_) => None,
    })?;
    let q = quoted(key)?;
    src.find(&format!("{q}:"))
        .or_else(|| src.find(&q))
        .map(|i| Position::of_offset(src, i))
}

/// Deserialises a TOML or JSON document, turning a syntax or shape error into one
/// located, plain-worded diagnostic.
pub fn deserialize<T: serde::de::DeserializeOwned>(
    src: &str,
    format: crate::profile::Format,
) -> Result<T, crate::diag::Diagnostic> {
    use crate::diag::{Diagnostic, humanise};
    match format {
        crate::profile::Format::Toml => toml::from_str(src)
            .map_err(|e| Diagnostic::new("", humanise(e.message())).at_span(src, e.span())),
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

/// The position of the dotted `key` (and, for JSON, the offending string `value`) in a
/// document of either format.
pub fn position(
    src: &str,
    format: crate::profile::Format,
    key: &str,
    value: Option<&str>,
) -> Option<Position> {
    let path = parse_path(key);
    match format {
        crate::profile::Format::Toml => toml_position(src, &path),
        crate::profile::Format::Json => json_position(src, &path, value),
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

    #[test]
    fn finds_toml_array_elements() {
        let src = "[situation]\nsigns = [\"a\", \"bad\"]\n";
        let pos = toml_position(src, &parse_path("situation.signs[1]")).expect("found");
        assert_eq!(
            pos,
            Position {
                line: 2,
                column: 15
            }
        );
    }

    #[test]
    fn finds_json_values_and_keys() {
        let src = "{\n  \"company\": {\"employees\": 0}\n}";
        let pos = json_position(src, &parse_path("company.employees"), None).expect("found");
        assert_eq!(
            pos,
            Position {
                line: 2,
                column: 15
            }
        );
    }
}
