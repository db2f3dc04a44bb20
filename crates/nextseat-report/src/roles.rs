//! The role reference and the side-by-side comparison, as text and Markdown.

use nextseat_core::compare::{Comparison, facets};
use nextseat_core::{KnowledgeBase, RoleId};
use std::fmt::Write;

/// Wraps `s` to `width` columns, indenting continuation lines by `indent`.
pub fn wrap(s: &str, width: usize, indent: usize) -> String {
    crate::text::fill(s, width, indent, indent)
}

/// Every role (or one), with every facet and its source.
pub fn roles_text(kb: &KnowledgeBase, only: Option<RoleId>) -> String {
    let mut o = String::new();
    for r in kb.roles.iter().filter(|r| only.is_none_or(|x| x == r.id)) {
        let _ = writeln!(o, "{} ({}) [{}]", r.name, r.short_name, r.id);
        let _ = writeln!(o, "  {}", wrap(&r.summary.text, 88, 2));
        for (facet, text) in facets(kb, r) {
            let _ = writeln!(o, "  {facet}:");
            let _ = writeln!(o, "    {}", wrap(&text, 88, 4));
        }
        for c in &r.can_cover {
            let _ = writeln!(o, "  Can also cover {}:", c.role);
            let _ = writeln!(o, "    {}", wrap(&c.text, 88, 4));
        }
        if !r.notes.is_empty() {
            let _ = writeln!(o, "  Notes:");
            for n in &r.notes {
                let _ = writeln!(
                    o,
                    "    - {}",
                    wrap(&format!("{} [{}]", n.text, n.source), 88, 6)
                );
            }
        }
        let _ = writeln!(o);
    }
    o
}

/// Two roles side by side, facet by facet.
pub fn compare_text(kb: &KnowledgeBase, c: &Comparison) -> String {
    let (l, r) = (kb.role(c.left), kb.role(c.right));
    let mut o = String::new();
    let _ = writeln!(o, "{} vs {}", l.name, r.name);
    let _ = writeln!(o);
    let width = l.short_name.len().max(r.short_name.len());
    for row in &c.rows {
        let _ = writeln!(o, "{}", row.facet);
        let _ = writeln!(
            o,
            "  {:<width$}  {}",
            l.short_name,
            wrap(&row.left, 88, width + 4)
        );
        let _ = writeln!(
            o,
            "  {:<width$}  {}",
            r.short_name,
            wrap(&row.right, 88, width + 4)
        );
        let _ = writeln!(o);
    }
    if !c.notes.is_empty() {
        let _ = writeln!(o, "How they relate");
        for n in &c.notes {
            let _ = writeln!(
                o,
                "  - {}",
                wrap(&format!("{} [{}]", n.text, n.source), 88, 4)
            );
        }
    }
    o
}

/// Two roles side by side as a Markdown table.
pub fn compare_markdown(kb: &KnowledgeBase, c: &Comparison) -> String {
    use crate::markdown::cell;
    let (l, r) = (kb.role(c.left), kb.role(c.right));
    let mut o = String::new();
    let _ = writeln!(o, "| | {} | {} |", l.name, r.name);
    let _ = writeln!(o, "|---|---|---|");
    for row in &c.rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            row.facet,
            cell(&row.left),
            cell(&row.right)
        );
    }
    for n in &c.notes {
        let _ = writeln!(o, "\n- {} ({})", cell(&n.text), cell(&n.source));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_respects_width() {
        let w = wrap("aaa bbb ccc ddd", 9, 2);
        assert_eq!(w, "aaa bbb\n  ccc ddd");
    }
}
