//! Verdicts and engagements.
//!
//! A verdict comes from the KB's verdict band for the score, except that a seat already
//! on the team is `already_filled`, and that the layering rule (article 000: start with
//! one fractional executive, layer in the next as you grow) holds extra executive
//! `hire_now`s back to `plan_next`. Every decision records the rule that made it:
//! [`verdicts`] decides on numbers alone, [`verdict_reason`] puts the rule into words.

use super::{Seat, VerdictRule};
use crate::assessment::{Need, Reason};
use crate::condition::Facts;
use crate::ids::{Engagement, RoleId, Verdict};
use crate::kb::KnowledgeBase;

fn band_text(min: f64, below: Option<f64>) -> String {
    match below {
        Some(b) => format!("{min}–{b}"),
        None => format!("{min} and above"),
    }
}

/// Sets each seat's verdict and the rule behind it. Returns the seat the layering rule
/// starts with when it held others back.
pub fn verdicts(kb: &KnowledgeBase, seats: &mut [Seat; 4], facts: &Facts<'_>) -> Option<RoleId> {
    for seat in seats.iter_mut() {
        if facts.current_roles.contains(&seat.role) {
            seat.verdict = Verdict::AlreadyFilled;
            seat.rule = VerdictRule::Filled;
            continue;
        }
        let i = kb.verdict_band_index(seat.score);
        seat.verdict = kb.verdicts[i].verdict;
        seat.rule = VerdictRule::Band(i);
        // A seat needs a company big enough to hold it (a Chief of Staff for a team of
        // one has no executive team to coordinate): the need is real, the hire waits.
        if seat.verdict == Verdict::HireNow
            && kb
                .role(seat.role)
                .span
                .as_ref()
                .is_some_and(|s| facts.employees < s.min_employees)
        {
            seat.verdict = Verdict::PlanNext;
            seat.rule = VerdictRule::Span;
        }
    }

    let layering = &kb.layering;
    if !kb.conditions().layering.iter().any(|c| c.holds(facts)) {
        return None;
    }
    // The executive hire_now seats, best first (a fixed array: this runs per profile).
    let mut order = [0usize; 4];
    let mut n = 0;
    for (i, seat) in seats.iter().enumerate() {
        if seat.verdict == Verdict::HireNow && kb.role(seat.role).executive {
            order[n] = i;
            n += 1;
        }
    }
    let order = &mut order[..n];
    order.sort_by(|&a, &b| {
        seats[b]
            .score
            .cmp(&seats[a].score)
            .then(seats[a].role.seat_index().cmp(&seats[b].role.seat_index()))
    });
    let keep = layering.max_executive_hire_now as usize;
    let held = order.get(keep..).unwrap_or(&[]);
    for &i in held {
        seats[i].verdict = Verdict::PlanNext;
        seats[i].rule = VerdictRule::Layering;
    }
    if held.is_empty() {
        None
    } else {
        order.first().map(|&i| seats[i].role)
    }
}

/// The verdict of `seat` in words, with its rule and source. `first` is the seat the
/// layering rule starts with.
pub fn verdict_reason(kb: &KnowledgeBase, seat: &Seat, first: Option<RoleId>) -> Reason {
    match seat.rule {
        VerdictRule::Filled => Reason {
            rule: "leadership.current_roles".into(),
            text: format!(
                "The {} seat is already on the team.",
                kb.role(seat.role).short_name
            ),
            source: crate::kb::OWN_CHOICE.into(),
        },
        VerdictRule::Band(i) => {
            let band = &kb.verdicts[i];
            Reason {
                rule: format!("verdicts[{i}]"),
                text: format!(
                    "Score {} is in the {} band ({}): {}",
                    seat.score,
                    band.verdict.words(),
                    band_text(band.min, band.below),
                    band.why
                ),
                source: band.source.clone(),
            }
        }
        VerdictRule::Span => {
            let role = kb.role(seat.role);
            let (min, why, source) = role.span.as_ref().map_or((0, "", ""), |s| {
                (s.min_employees, s.why.as_str(), s.source.as_str())
            });
            Reason {
                rule: format!("roles.{}.span", role.id),
                text: format!(
                    "Score {} would mean hire now, but the company is smaller than the {} seat needs (fewer than {min} people): {why}",
                    seat.score, role.short_name
                ),
                source: source.into(),
            }
        }
        VerdictRule::Layering => Reason {
            rule: "layering".into(),
            text: format!(
                "Score {} would mean hire now, but {} Start with the {} and layer this seat in next.",
                seat.score,
                kb.layering.why,
                first
                    .map(|r| kb.role(r).short_name.as_str())
                    .unwrap_or_default()
            ),
            source: kb.layering.source.clone(),
        },
    }
}

/// Sets the engagement of every `hire_now` / `plan_next` need, and its reason.
pub fn engagements(kb: &KnowledgeBase, needs: &mut [Need], facts: &Facts<'_>) {
    let rules = &kb.engagement;
    for need in needs.iter_mut() {
        if !matches!(need.verdict, Verdict::HireNow | Verdict::PlanNext) {
            need.engagement = None;
            need.engagement_reason = None;
            continue;
        }
        let (engagement, rule, text, source) = if need.role == RoleId::Implementer
            || !kb.role(need.role).executive
        {
            (
                Engagement::Staff,
                "engagement.implementer".to_string(),
                rules.implementer.why.clone(),
                rules.implementer.source.clone(),
            )
        } else if facts.employees < rules.small_company.below_employees {
            (
                Engagement::Fractional,
                "engagement.small_company".to_string(),
                format!(
                    "{} employees is below {}: {}",
                    facts.employees, rules.small_company.below_employees, rules.small_company.why
                ),
                rules.small_company.source.clone(),
            )
        } else {
            let base = match facts.annual_revenue_usd {
                Some(revenue) => {
                    let (i, band) = kb
                        .revenue_bands
                        .iter()
                        .enumerate()
                        .find(|(_, b)| revenue >= b.min && b.below.is_none_or(|x| revenue < x))
                        .unwrap_or((0, &kb.revenue_bands[0]));
                    (
                        band.engagement,
                        format!("revenue_bands[{i}]"),
                        format!("{}: {}", band.label, band.why),
                        band.source.clone(),
                    )
                }
                None => match &rules.unknown_revenue_large {
                    Some(large) if facts.employees >= large.from_employees => (
                        large.engagement,
                        "engagement.unknown_revenue_large".to_string(),
                        format!(
                            "Revenue was not given; assumed from {} employees (at least {}): {}",
                            facts.employees, large.from_employees, large.why
                        ),
                        large.source.clone(),
                    ),
                    _ => (
                        rules.unknown_revenue.engagement,
                        "engagement.unknown_revenue".to_string(),
                        rules.unknown_revenue.why.clone(),
                        rules.unknown_revenue.source.clone(),
                    ),
                },
            };
            if base.0 == Engagement::FullTime && facts.budget == crate::ids::Budget::Lean {
                (
                    rules.lean_budget.engagement,
                    "engagement.lean_budget".to_string(),
                    format!(
                        "{} Full time would fit, but the budget is lean: {}",
                        base.2, rules.lean_budget.why
                    ),
                    rules.lean_budget.source.clone(),
                )
            } else {
                base
            }
        };
        need.engagement = Some(engagement);
        need.engagement_reason = Some(Reason { rule, text, source });
    }
}
