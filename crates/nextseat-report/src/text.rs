//! The terminal report: score bars, the roadmap, the archetype and every evidence line.
//! Colour only when asked (the caller decides: a terminal, and no `NO_COLOR`).

use crate::{engagement_label, verdict_label};
use nextseat_core::assessment::EvidenceKind;
use nextseat_core::engine::roadmap::money;
use nextseat_core::{Assessment, KnowledgeBase, Verdict};
use std::fmt::Write;

const BAR: usize = 30;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn verdict(&self, v: Verdict, s: &str) -> String {
        let code = match v {
            Verdict::HireNow => "1;31",
            Verdict::PlanNext => "33",
            Verdict::NotYet => "2",
            Verdict::AlreadyFilled => "32",
        };
        self.paint(code, s)
    }
}

/// A score bar of [`BAR`] cells.
pub fn bar(score: f64) -> String {
    let filled = ((score / 100.0) * BAR as f64)
        .round()
        .clamp(0.0, BAR as f64) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR - filled))
}

/// Renders the whole report.
pub fn render(a: &Assessment, kb: &KnowledgeBase, color: bool) -> String {
    let st = Style { color };
    let mut o = String::new();
    let name = a.company.name.as_deref().unwrap_or("your company");
    let _ = writeln!(o, "{}", st.bold(&format!("nextseat assessment: {name}")));
    let size = kb
        .size_bands
        .iter()
        .find(|b| b.id == a.company.size_band)
        .map_or(a.company.size_band.as_str(), |b| b.label.as_str());
    let revenue = match a.company.annual_revenue_usd {
        Some(r) => format!("{} revenue", money(r)),
        None => "revenue not given".to_string(),
    };
    let _ = writeln!(o, "{} employees, {size} · {revenue}", a.company.employees);
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", st.bold("Need for each seat"));
    for n in &a.needs {
        let role = &kb.role(n.role).short_name;
        let eng = n
            .engagement
            .map(|e| format!(" · {}", engagement_label(e)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<12} {} {:>5}  {}{}",
            role,
            st.verdict(n.verdict, &bar(n.score.as_f64())),
            n.score.to_string(),
            st.verdict(n.verdict, verdict_label(n.verdict)),
            eng
        );
    }
    let _ = writeln!(o);
    match a.primary {
        Some(p) => {
            let n = a.need(p);
            let eng = n
                .and_then(|n| n.engagement)
                .map(|e| format!(", {}", engagement_label(e)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "{} {}{eng}",
                st.bold("Next seat:"),
                crate::role_title(kb.role(p))
            );
        }
        None => {
            let _ = writeln!(o, "{} no seat to fill now.", st.bold("Next seat:"));
        }
    }
    let _ = writeln!(o);

    if !a.context.short_term.is_empty() || !a.context.long_term.is_empty() {
        let _ = writeln!(o, "{}", st.bold("Objectives"));
        for (when, list) in [
            ("next months", &a.context.short_term),
            ("longer run", &a.context.long_term),
        ] {
            if !list.is_empty() {
                let _ = writeln!(o, "  {when}: {}", list.join("; "));
            }
        }
        let _ = writeln!(o);
    }
    if !a.notes.is_empty() {
        let _ = writeln!(o, "{}", st.bold("Check before acting"));
        for n in &a.notes {
            let _ = writeln!(
                o,
                "  - {}: {} {}",
                note_label(n.kind),
                n.text,
                st.dim(&format!("[{}]", n.rule))
            );
        }
        let _ = writeln!(o);
    }

    if !a.roadmap.is_empty() {
        let _ = writeln!(o, "{}", st.bold("Roadmap"));
        for s in &a.roadmap {
            let _ = writeln!(
                o,
                "  {}. {} ({}): {}",
                s.step,
                kb.role(s.role).short_name,
                engagement_label(s.engagement),
                s.trigger
            );
            let _ = writeln!(o, "     {}", st.dim(&s.reason));
        }
        let _ = writeln!(o);
    }

    if let Some(c) = &a.coo_archetype {
        let best = kb
            .archetype(&c.best)
            .map_or(c.best.as_str(), |x| x.name.as_str());
        let _ = writeln!(o, "{} {best}", st.bold("COO archetype:"));
        if let Some(top) = c.ranked.first() {
            for r in &top.reasons {
                let _ = writeln!(o, "  - {r}");
            }
        }
        let ranking: Vec<String> = c
            .ranked
            .iter()
            .map(|r| {
                let name = kb
                    .archetype(&r.archetype)
                    .map_or(r.archetype.as_str(), |x| x.name.as_str());
                format!("{name} {}", r.score)
            })
            .collect();
        let _ = writeln!(
            o,
            "  {}",
            st.dim(&format!("ranking: {}", ranking.join(" · ")))
        );
        let _ = writeln!(o);
    }

    let _ = writeln!(
        o,
        "{}",
        st.bold("Evidence (each score is the sum of its lines)")
    );
    for n in &a.needs {
        let role = kb.role(n.role);
        let _ = writeln!(o, "  {} {}", st.bold(&role.name), n.score);
        if n.evidence.is_empty() {
            let _ = writeln!(o, "    {}", st.dim("(no evidence)"));
        }
        for e in &n.evidence {
            let sign = if e.contribution.tenths() >= 0 {
                "+"
            } else {
                ""
            };
            let how = match (e.kind, e.origin) {
                (EvidenceKind::Sign, Some(origin)) => format!("sign, {origin}"),
                (EvidenceKind::Sign, None) => "sign".into(),
                (EvidenceKind::Event, _) => "event".into(),
                (EvidenceKind::Context, _) => "context".into(),
                (EvidenceKind::Bound, _) => "bound".into(),
            };
            let _ = writeln!(
                o,
                "    {:>6}  {}  {}",
                format!("{sign}{}", e.contribution),
                e.label,
                st.dim(&format!("[{} · {how} · {}]", e.factor, e.source))
            );
        }
        let _ = writeln!(
            o,
            "    {}",
            st.dim(&format!("verdict: {}", n.verdict_reason.text))
        );
        if let Some(r) = &n.engagement_reason {
            let _ = writeln!(o, "    {}", st.dim(&format!("engagement: {}", r.text)));
        }
    }
    let _ = writeln!(o);
    if !a.signs.is_empty() {
        let _ = writeln!(o, "{}", st.bold("Signs"));
        for s in &a.signs {
            let label = kb.sign(&s.id).map_or(s.id.as_str(), |x| x.label.as_str());
            match &s.evidence {
                Some(e) => {
                    let _ = writeln!(o, "  {label} ({}: \"{e}\")", s.origin);
                }
                None => {
                    let _ = writeln!(o, "  {label} ({})", s.origin);
                }
            }
            if let Some(m) = &s.meaning {
                let _ = writeln!(o, "    {}", st.dim(&meaning_line(m)));
            }
        }
        let _ = writeln!(o);
    }
    if !a.ceo_tags.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            st.bold("How the CEO's strengths and gaps were read")
        );
        for t in &a.ceo_tags {
            let _ = writeln!(o, "  {}", tag_line(t, kb));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "{}",
        st.dim(&format!(
            "Method: {} {}",
            a.method.kb_name, a.method.kb_version
        ))
    );
    o
}

/// Columns `s` takes on a terminal: characters, not counting colour codes.
fn visible(s: &str) -> usize {
    let mut n = 0;
    let mut escape = false;
    for c in s.chars() {
        match (escape, c) {
            (false, '\u{1b}') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            _ => n += 1,
        }
    }
    n
}

/// The words of `s` filled to `width` columns: the first line starts at column
/// `first_col` (the caller has printed that much), the others are indented by `indent`.
/// A word longer than a line stands on its own.
pub fn fill(s: &str, width: usize, first_col: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut col = first_col;
    let mut start = first_col;
    for word in s.split_whitespace() {
        let w = visible(word);
        if col > start && col + 1 + w > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
            start = indent;
        } else if col > start {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out
}

/// `text` with every line longer than `width` visible columns (colour codes not
/// counted) wrapped at spaces; a continuation line keeps the line's indent plus two
/// spaces. A word longer than the width stands on its own line.
pub fn wrap_lines(text: &str, width: usize) -> String {
    let width = width.max(20);
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if visible(body) <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        out.push_str(&body[..indent]);
        out.push_str(&fill(&body[indent..], width, indent, indent + 2));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// How a narrative sign was read by meaning, in one line.
pub fn meaning_line(m: &nextseat_core::assessment::Meaning) -> String {
    let how = if m.by == "phrase" {
        "phrase confirmed by meaning"
    } else {
        "read by meaning"
    };
    format!(
        "{how} (probability {:.2}); nearest example \"{}\" (similarity {:.2})",
        m.probability, m.exemplar, m.similarity
    )
}

/// Words for a note's kind.
pub fn note_label(k: nextseat_core::assessment::NoteKind) -> &'static str {
    match k {
        nextseat_core::assessment::NoteKind::Assumed => "Assumed",
        nextseat_core::assessment::NoteKind::Inconsistent => "Looks inconsistent",
    }
}

/// One CEO tag and how it was read, in one line.
pub fn tag_line(t: &nextseat_core::assessment::CeoTag, kb: &KnowledgeBase) -> String {
    use nextseat_core::assessment::{TagKind, TagRead};
    let kind = match t.kind {
        TagKind::Strength => "strength",
        TagKind::Gap => "gap",
    };
    let area = t
        .area
        .as_deref()
        .map(|id| {
            kb.ceo_tags
                .areas
                .iter()
                .find(|a| a.id == id)
                .map_or(id, |a| a.label.as_str())
        })
        .unwrap_or("no seat's area");
    let how = match &t.read {
        TagRead::Example { example } => format!("the method's example tag \"{example}\""),
        TagRead::Words { word } => format!("the word \"{word}\""),
        TagRead::Meaning {
            exemplar,
            similarity,
        } => format!("by meaning: nearest example \"{exemplar}\", similarity {similarity:.2}"),
        TagRead::Unmatched => "not recognised: it counts only as a named gap or strength".into(),
    };
    format!("{kind} \"{}\" → {area} ({how})", t.tag)
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_lines_wrap_at_spaces_with_their_indent_and_short_ones_stay() {
        let text = "  verdict: one two three four five six seven eight nine ten\nshort\n";
        let w = super::wrap_lines(text, 24);
        assert_eq!(
            w,
            "  verdict: one two three\n    four five six seven\n    eight nine ten\nshort\n"
        );
        for line in w.lines() {
            assert!(line.chars().count() <= 24, "{line}");
        }
        // Colour codes do not count; a word longer than the width stands alone.
        let coloured = "\u{1b}[1mNext seat:\u{1b}[0m x";
        assert_eq!(super::wrap_lines(coloured, 20), coloured);
        let long = "a ".to_string() + &"b".repeat(40);
        assert_eq!(
            super::wrap_lines(&long, 20),
            format!("a\n  {}", "b".repeat(40))
        );
    }

    use super::bar;

    #[test]
    fn bars_are_proportional_and_bounded() {
        assert_eq!(bar(0.0).chars().filter(|c| *c == '█').count(), 0);
        assert_eq!(bar(50.0).chars().filter(|c| *c == '█').count(), 15);
        assert_eq!(bar(100.0).chars().filter(|c| *c == '█').count(), 30);
        assert_eq!(bar(250.0).chars().count(), 30);
    }
}
