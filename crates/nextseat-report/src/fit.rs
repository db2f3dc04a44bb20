//! The candidate-fit report as text.

use nextseat_core::KnowledgeBase;
use nextseat_core::fit::FitReport;
use std::fmt::Write;

/// Renders a fit report.
pub fn fit_text(kb: &KnowledgeBase, r: &FitReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Candidate fit: {}", r.candidate);
    let _ = writeln!(o);
    for f in &r.fits {
        let role = kb.role(f.role);
        let verdict = if f.fits { "fits" } else { "does not fit yet" };
        let _ = writeln!(
            o,
            "  {:<12} {} {:>5}  {verdict}",
            role.short_name,
            crate::text::bar(f.score.as_f64()),
            f.score.to_string()
        );
    }
    let _ = writeln!(o);
    for f in &r.fits {
        let role = kb.role(f.role);
        let _ = writeln!(o, "{} {}", role.name, f.score);
        for q in &f.requirements {
            let name = kb
                .skill(&q.skill)
                .map_or(q.skill.as_str(), |s| s.name.as_str());
            let mark = if q.rating < q.required { "  gap" } else { "" };
            let rated = if q.rated {
                format!("rated {}", q.rating)
            } else {
                "not rated".to_string()
            };
            let _ = writeln!(
                o,
                "  {:>6}  {name}: {rated}, required {} (weight {}){mark}",
                format!("+{}", q.contribution),
                q.required,
                q.weight
            );
        }
    }
    if !r.can_also_cover.is_empty() {
        let _ = writeln!(o);
        for c in &r.can_also_cover {
            let why = r
                .fits
                .iter()
                .filter(|f| f.fits)
                .flat_map(|f| kb.role(f.role).can_cover.iter())
                .find(|x| x.role == *c)
                .map_or(String::new(), |x| format!(" {} [{}]", x.text, x.source));
            let _ = writeln!(o, "Can also cover: {}.{why}", kb.role(*c).name);
        }
    }
    let _ = writeln!(
        o,
        "\nA candidate fits a seat at {} or above; each score is the sum of its lines.",
        r.fits_min
    );
    o
}
