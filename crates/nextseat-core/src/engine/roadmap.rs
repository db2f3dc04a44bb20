//! The roadmap: seats to fill now first, then those to layer in, each with a trigger in
//! words built from the KB's timing and the company's next revenue band and headcount
//! milestone.

use crate::assessment::{EvidenceKind, Need, Step};
use crate::condition::Facts;
use crate::ids::{Engagement, Verdict};
use crate::kb::KnowledgeBase;

/// Formats dollars the way founders say them: `$500K`, `$5M`, `$2.5M`.
pub fn money(v: f64) -> String {
    if v >= 1e6 {
        let m = v / 1e6;
        if (m - m.round()).abs() < 1e-9 {
            format!("${}M", m.round())
        } else {
            format!("${:.1}M", m)
        }
    } else if v >= 1e3 {
        format!("${}K", (v / 1e3).round())
    } else {
        format!("${}", v.round())
    }
}

fn growth_triggers(kb: &KnowledgeBase, facts: &Facts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = facts.annual_revenue_usd
        && let Some(next) = kb.revenue_band(r).below
    {
        out.push(format!("annual revenue passes {}", money(next)));
    }
    if let Some(m) = kb
        .roadmap
        .headcount_milestones
        .iter()
        .copied()
        .filter(|m| *m > facts.employees)
        .min()
    {
        out.push(format!("headcount reaches {m}"));
    }
    out
}

fn either(mut parts: Vec<String>) -> String {
    match parts.len() {
        0 => String::new(),
        1 => parts.remove(0),
        _ => format!("when the first of these happens: {}", parts.join("; ")),
    }
}

fn evidence_summary(kb: &KnowledgeBase, need: &Need) -> String {
    let mut lines: Vec<_> = need
        .evidence
        .iter()
        .filter(|e| e.kind != EvidenceKind::Bound && e.contribution.tenths() > 0)
        .collect();
    lines.sort_by_key(|e| std::cmp::Reverse(e.contribution));
    let top: Vec<String> = lines
        .iter()
        .take(3)
        .map(|e| format!("{} (+{})", e.label, e.contribution))
        .collect();
    let role = &kb.role(need.role).short_name;
    if top.is_empty() {
        format!("{role} need score {}.", need.score)
    } else {
        format!(
            "{role} need score {}; strongest evidence: {}.",
            need.score,
            top.join(", ")
        )
    }
}

/// One step per `hire_now` / `plan_next` need: `hire_now` first, then `plan_next`, each
/// group by score (the order of `needs`).
pub fn build(kb: &KnowledgeBase, needs: &[Need], facts: &Facts<'_>) -> Vec<Step> {
    let now = needs.iter().filter(|n| n.verdict == Verdict::HireNow);
    let next = needs.iter().filter(|n| n.verdict == Verdict::PlanNext);
    let mut steps: Vec<Step> = Vec::new();
    // Months from now each step is expected to start (0 for "now"), so that a seat
    // layered after a planned one is placed after it, not at the same horizon.
    let mut starts: Vec<u32> = Vec::new();
    for need in now.chain(next) {
        let engagement = need.engagement.unwrap_or(Engagement::Staff);
        let prev = steps.last().map(|s| kb.role(s.role).short_name.clone());
        let prev_start = starts.last().copied();
        let mut reason = evidence_summary(kb, need);
        let (after, layer) = (
            kb.roadmap.plan_next_after_months,
            kb.roadmap.layer_after_months,
        );
        let mut start = 0;
        let trigger = if need.verdict == Verdict::HireNow {
            if let Some(p) = &prev {
                reason.push_str(&format!(" Hire alongside the {p}."));
            }
            "now".to_string()
        } else {
            let mut parts = Vec::new();
            match (&prev, prev_start, need.verdict_reason.rule.as_str()) {
                (Some(p), Some(0), "layering") => {
                    start = layer;
                    parts.push(format!("about {layer} months after the {p} starts"));
                    reason.push_str(&format!(" Layered in after the {p}: {}", kb.layering.why));
                }
                (Some(p), Some(0), _) => {
                    start = after;
                    parts.push(format!(
                        "in about {after} months, once the {p} is in place, if the signs persist"
                    ));
                }
                (Some(p), Some(before), _) => {
                    start = before + layer;
                    parts.push(format!(
                        "about {layer} months after the {p} starts (about {start} months from now), if the signs persist"
                    ));
                }
                (_, _, _) => {
                    start = after;
                    parts.push(format!("in about {after} months if the signs persist"));
                }
            }
            parts.extend(growth_triggers(kb, facts));
            either(parts)
        };
        if engagement == Engagement::Fractional
            && let Some(r) = facts.annual_revenue_usd
            && let Some(ft) = kb
                .revenue_bands
                .iter()
                .filter(|b| b.engagement == Engagement::FullTime && b.min > r)
                .map(|b| b.min)
                .reduce(f64::min)
        {
            reason.push_str(&format!(
                " Fractional for now; revisit full time once annual revenue passes {}.",
                money(ft)
            ));
        }
        starts.push(start);
        steps.push(Step {
            step: steps.len() as u32 + 1,
            role: need.role,
            engagement,
            trigger,
            reason,
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn seats_planned_one_after_another_get_later_horizons() {
        let kb = crate::KnowledgeBase::parse(crate::kb::DEFAULT_KB).expect("default kb");
        let src = r#"
[company]
employees = 40
annual_revenue_usd = 3000000

[situation]
signs = ["impl.admin_backlog", "cso.growth_ceiling", "cso.ideas_without_plan", "coo.firefighting", "coo.missing_sops"]
"#;
        let p = crate::Profile::parse(src, crate::Format::Toml, &kb).expect("profile");
        let a = crate::assess(&kb, &p);
        let triggers: Vec<&str> = a.roadmap.iter().map(|s| s.trigger.as_str()).collect();
        assert_eq!(triggers.len(), 3, "{triggers:?}");
        assert!(
            triggers[0].contains("in about 12 months"),
            "{}",
            triggers[0]
        );
        assert!(
            triggers[1].contains("(about 18 months from now)"),
            "{}",
            triggers[1]
        );
        assert!(
            triggers[2].contains("(about 24 months from now)"),
            "{}",
            triggers[2]
        );
    }

    #[test]
    fn money_reads_like_a_founder_says_it() {
        assert_eq!(money(500_000.0), "$500K");
        assert_eq!(money(5_000_000.0), "$5M");
        assert_eq!(money(2_500_000.0), "$2.5M");
        assert_eq!(money(999.0), "$999");
    }
}
