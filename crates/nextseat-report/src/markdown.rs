//! The Markdown report: the same content as the text report, as tables a consultancy can
//! paste into a document.

use crate::{engagement_label, verdict_label};
use nextseat_core::engine::roadmap::money;
use nextseat_core::{Assessment, KnowledgeBase};
use std::fmt::Write;

/// Escapes text for a Markdown table cell or line: pipes, HTML-significant characters
/// and line breaks.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders the report.
pub fn render(a: &Assessment, kb: &KnowledgeBase) -> String {
    let mut o = String::new();
    let name = a.company.name.as_deref().unwrap_or("your company");
    let _ = writeln!(o, "# nextseat assessment: {}\n", cell(name));
    let revenue = a
        .company
        .annual_revenue_usd
        .map_or("revenue not given".to_string(), |r| {
            format!("{} revenue", money(r))
        });
    let _ = writeln!(
        o,
        "{} employees ({}), {}.\n",
        a.company.employees, a.company.size_band, revenue
    );
    match a.primary {
        Some(p) => {
            let _ = writeln!(o, "**Next seat: {}.**\n", crate::role_title(kb.role(p)));
        }
        None => {
            let _ = writeln!(o, "**No seat to fill now.**\n");
        }
    }
    if !a.context.is_empty() {
        let _ = writeln!(o, "## What you told us\n");
        let list = |v: &[String]| v.iter().map(|x| cell(x)).collect::<Vec<_>>().join("; ");
        if !a.context.short_term.is_empty() {
            let _ = writeln!(o, "- In the next months: {}", list(&a.context.short_term));
        }
        if !a.context.long_term.is_empty() {
            let _ = writeln!(o, "- In the longer run: {}", list(&a.context.long_term));
        }
        if let Some(n) = &a.context.narrative {
            let _ = writeln!(o, "\n> {}", cell(n));
        }
        let _ = writeln!(o);
    }
    if !a.notes.is_empty() {
        let _ = writeln!(o, "## Check before acting\n");
        for n in &a.notes {
            let _ = writeln!(
                o,
                "- **{}:** {} (`{}`)",
                crate::text::note_label(n.kind),
                cell(&n.text),
                n.rule
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Need for each seat\n");
    let _ = writeln!(o, "| Seat | Score | Verdict | Engagement |");
    let _ = writeln!(o, "|---|---:|---|---|");
    for n in &a.needs {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            kb.role(n.role).name,
            n.score,
            verdict_label(n.verdict),
            n.engagement.map_or("–", engagement_label)
        );
    }
    if !a.roadmap.is_empty() {
        let _ = writeln!(o, "\n## Roadmap\n");
        for s in &a.roadmap {
            let _ = writeln!(
                o,
                "{}. **{}** ({}), {}. {}",
                s.step,
                kb.role(s.role).short_name,
                engagement_label(s.engagement),
                cell(&s.trigger),
                cell(&s.reason)
            );
        }
    }
    if let Some(c) = &a.coo_archetype {
        let best = kb
            .archetype(&c.best)
            .map_or(c.best.as_str(), |x| x.name.as_str());
        let _ = writeln!(o, "\n## COO archetype: {best}\n");
        let _ = writeln!(o, "| Archetype | Fit | Why |");
        let _ = writeln!(o, "|---|---:|---|");
        for r in &c.ranked {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                cell(
                    kb.archetype(&r.archetype)
                        .map_or(r.archetype.as_str(), |x| x.name.as_str())
                ),
                r.score,
                cell(&r.reasons.join(" "))
            );
        }
    }
    let _ = writeln!(o, "\n## Evidence\n");
    let _ = writeln!(o, "Each score is the sum of its lines.\n");
    for n in &a.needs {
        let _ = writeln!(o, "### {}: {}\n", kb.role(n.role).name, n.score);
        if !n.evidence.is_empty() {
            let _ = writeln!(o, "| Points | Factor | Id | Source |");
            let _ = writeln!(o, "|---:|---|---|---|");
            for e in &n.evidence {
                let _ = writeln!(
                    o,
                    "| {} | {} | `{}` | {} |",
                    e.contribution,
                    cell(&e.label),
                    e.factor,
                    cell(&e.source)
                );
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(o, "Verdict: {}\n", cell(&n.verdict_reason.text));
        if let Some(r) = &n.engagement_reason {
            let _ = writeln!(o, "Engagement: {}\n", cell(&r.text));
        }
    }
    if !a.signs.is_empty() {
        let _ = writeln!(o, "## Signs\n");
        for s in &a.signs {
            let label = kb.sign(&s.id).map_or(s.id.as_str(), |x| x.label.as_str());
            let evidence = s
                .evidence
                .as_deref()
                .map(|e| format!(": \"{}\"", cell(e)))
                .unwrap_or_default();
            let _ = writeln!(o, "- {} ({}{evidence})", cell(label), s.origin);
            if let Some(m) = &s.meaning {
                let _ = writeln!(o, "  - {}", cell(&crate::text::meaning_line(m)));
            }
        }
        let _ = writeln!(o);
    }
    if !a.ceo_tags.is_empty() {
        let _ = writeln!(o, "## How the CEO's strengths and gaps were read\n");
        for t in &a.ceo_tags {
            let _ = writeln!(o, "- {}", cell(&crate::text::tag_line(t, kb)));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "---\nMethod: {} {}",
        cell(&a.method.kb_name),
        cell(&a.method.kb_version)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<script>"), "&lt;script&gt;");
    }
}
