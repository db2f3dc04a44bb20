//! The needs-assessment engine: interprets a validated [`KnowledgeBase`] for one
//! [`Profile`].
//!
//! The steps, each in its own module: collect the signs ([`signs`]), add up each seat's
//! evidence ([`score`]), give verdicts and engagements ([`decide`]), sequence the
//! roadmap ([`roadmap`]) and rank the COO archetypes ([`archetype`]). The engine cannot
//! fail: the knowledge base and the profile were validated on the way in. It is
//! deterministic: ties are broken by the contract's seat order and the KB's entry order.

pub mod archetype;
pub mod decide;
pub mod roadmap;
pub mod score;
pub mod signs;

use crate::assessment::{Assessment, CompanySummary, Method, SCHEMA_VERSION, SignHit};
use crate::condition::Facts;
use crate::ids::{RoleId, Verdict};
use crate::kb::KnowledgeBase;
use crate::profile::Profile;

/// Assesses a profile: its declared signs, those found in its narrative, and those its
/// events imply.
pub fn assess(kb: &KnowledgeBase, profile: &Profile) -> Assessment {
    assess_with(kb, profile, &[])
}

/// Assesses a profile with extra signs found elsewhere (an ownership audit). The
/// profile's narrative, if any, is diagnosed here. A sign found twice counts once, under
/// its first origin: declared, then narrative, then the extra signs, then events.
pub fn assess_with(kb: &KnowledgeBase, profile: &Profile, extra: &[SignHit]) -> Assessment {
    let lower = |v: &[String]| -> Vec<String> { v.iter().map(|s| s.to_lowercase()).collect() };
    let gaps = lower(&profile.leadership.ceo_gaps);
    let strengths = lower(&profile.leadership.ceo_strengths);
    let industry = profile
        .company
        .industry
        .as_deref()
        .unwrap_or("")
        .to_lowercase();
    let employees = profile.employees();
    let revenue = profile.company.annual_revenue_usd;
    let size_band = kb.size_band(employees).id.as_str();
    let revenue_band = revenue.map_or("unknown", |r| kb.revenue_band(r).id.as_str());
    let facts = Facts {
        size_band,
        revenue_band,
        employees,
        annual_revenue_usd: revenue,
        operational_intensity: profile.company.operational_intensity,
        market: profile.company.market,
        growth: profile.company.growth,
        budget: profile.situation.budget,
        ceo_experience_years: profile
            .leadership
            .ceo_experience_years
            .and_then(|y| u32::try_from(y).ok()),
        ceo_plans_to_step_down: profile.leadership.ceo_plans_to_step_down,
        retain_key_executive: profile.leadership.retain_key_executive,
        ceo_gaps: &gaps,
        ceo_strengths: &strengths,
        industry: &industry,
        events: &profile.situation.events,
        current_roles: &profile.leadership.current_roles,
    };

    let mut found = match profile.situation.narrative.as_deref() {
        Some(text) if !text.trim().is_empty() => kb.diagnose(text).sign_hits(),
        _ => Vec::new(),
    };
    found.extend_from_slice(extra);
    let hits = signs::collect(kb, profile, &found);
    let mut needs: Vec<_> = RoleId::SEATS
        .into_iter()
        .map(|seat| score::need(kb, seat, &hits, &facts))
        .collect();
    decide::verdicts(kb, &mut needs, &facts);
    decide::engagements(kb, &mut needs, &facts);
    needs.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.role.seat_index().cmp(&b.role.seat_index()))
    });
    let primary = needs
        .iter()
        .find(|n| n.verdict == Verdict::HireNow)
        .map(|n| n.role);
    let roadmap = roadmap::build(kb, &needs, &facts);
    let coo_needed = needs.iter().any(|n| {
        n.role == RoleId::Coo && matches!(n.verdict, Verdict::HireNow | Verdict::PlanNext)
    });
    let coo_archetype = coo_needed.then(|| archetype::rank(kb, &facts));

    Assessment {
        schema_version: SCHEMA_VERSION,
        company: CompanySummary {
            name: profile.company.name.clone(),
            employees,
            annual_revenue_usd: revenue,
            size_band: size_band.to_string(),
            revenue_band: revenue_band.to_string(),
        },
        signs: hits,
        needs,
        primary,
        roadmap,
        coo_archetype,
        method: Method {
            kb_name: kb.meta.name.clone(),
            kb_version: kb.meta.version.clone(),
        },
    }
}
