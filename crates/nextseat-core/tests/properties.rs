//! Invariants of the engine over generated profiles: determinism, bounds, evidence that
//! sums to the score, monotonicity in signs, and the contract's structural promises.
#![allow(missing_docs)]

use nextseat_core::batch::{Columns, INPUT_COLUMNS, Summary};
use nextseat_core::engine::Assessor;
use nextseat_core::ids::{Budget, Growth, Intensity, Market};
use nextseat_core::profile::{Company, Leadership, Objectives, Situation};
use nextseat_core::{Engagement, KnowledgeBase, Profile, RoleId, Verdict, assess};
use proptest::prelude::*;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(KnowledgeBase::default_kb)
}

fn pick<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn subset(all: Vec<String>) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(all.clone(), 0..=all.len().min(8)).prop_shuffle()
}

const TAGS: &[&str] = &[
    "operations",
    "strategy",
    "finance",
    "vision",
    "sales",
    "admin",
    "people",
];

const NARRATIVES: &[&str] = &[
    "Orders keep going out late and I spend my week chasing people.",
    "We don't lack procedures, but nothing is written down. Unlike last year, handoffs are fine.",
    "I have big ideas and no plan; we want to move into a new market.",
    "Deadlines are never a problem here.",
    "Nobody owns the quarterly projects and the leadership team pulls in different directions.",
    "Scheduling and reporting pile up; nobody follows up with the other teams.",
];

fn profile() -> impl Strategy<Value = Profile> {
    let kb = kb();
    let signs: Vec<String> = kb.signs.iter().map(|s| s.id.clone()).collect();
    let events: Vec<String> = kb.events.iter().map(|e| e.id.clone()).collect();
    let company = (
        1i64..20_000,
        proptest::option::of(0.0f64..60_000_000.0),
        pick(Intensity::ALL),
        pick(Market::ALL),
        pick(Growth::ALL),
        proptest::option::of(pick(&["logistics", "software", "airline", "agency"])),
    )
        .prop_map(
            |(employees, revenue, oi, market, growth, industry)| Company {
                name: Some("Generated".into()),
                annual_revenue_usd: revenue.map(|r| r.round()),
                employees,
                industry: industry.map(str::to_string),
                operational_intensity: oi,
                market,
                growth,
            },
        );
    let leadership = (
        proptest::sample::subsequence(
            vec![
                RoleId::Cso,
                RoleId::Coo,
                RoleId::ChiefOfStaff,
                RoleId::Implementer,
            ],
            0..=2,
        ),
        proptest::option::of(0i64..40),
        proptest::sample::subsequence(TAGS.to_vec(), 0..=2),
        proptest::sample::subsequence(TAGS.to_vec(), 0..=2),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(roles, exp, strengths, gaps, step_down, retain)| {
            let mut current = vec![RoleId::Ceo];
            current.extend(roles);
            Leadership {
                current_roles: current,
                ceo_experience_years: exp,
                ceo_strengths: strengths.into_iter().map(str::to_string).collect(),
                ceo_gaps: gaps.into_iter().map(str::to_string).collect(),
                ceo_plans_to_step_down: step_down,
                retain_key_executive: retain,
            }
        });
    let situation = (
        subset(signs),
        proptest::sample::subsequence(events, 0..=2),
        pick(Budget::ALL),
        proptest::option::of(pick(NARRATIVES)),
    )
        .prop_map(|(signs, events, budget, narrative)| Situation {
            signs,
            events,
            budget,
            narrative: narrative.map(str::to_string),
            narrative_signs: None,
        });
    (company, leadership, situation).prop_map(|(company, leadership, situation)| Profile {
        company,
        leadership,
        situation,
        objectives: Objectives::default(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn deterministic(p in profile()) {
        let a = assess(kb(), &p);
        let b = assess(kb(), &p);
        prop_assert_eq!(&a, &b);
        let ja = serde_json::to_string(&a).expect("json");
        let jb = serde_json::to_string(&b).expect("json");
        prop_assert_eq!(ja, jb);
    }

    #[test]
    fn the_score_only_path_agrees_with_the_full_assessment(ps in proptest::collection::vec(profile(), 1..8)) {
        // One assessor reused across profiles, as a batch worker uses it.
        let mut assessor = Assessor::new(kb());
        for p in &ps {
            let full = assess(kb(), p);
            prop_assert_eq!(assessor.summary(p), Summary::of(&full));
            prop_assert_eq!(&assessor.assess(p, &[]), &full);
        }
    }

    #[test]
    fn a_batch_row_reads_back_as_the_profile_it_was_written_from(p in profile()) {
        let list = |v: &[String]| v.join(";");
        let roles: Vec<String> = p.leadership.current_roles.iter().map(|r| r.to_string()).collect();
        let fields = [
            p.company.name.clone().unwrap_or_default(),
            p.company.annual_revenue_usd.map(|r| r.to_string()).unwrap_or_default(),
            p.company.employees.to_string(),
            p.company.industry.clone().unwrap_or_default(),
            p.company.operational_intensity.to_string(),
            p.company.market.to_string(),
            p.company.growth.to_string(),
            list(&roles),
            p.leadership.ceo_experience_years.map(|y| y.to_string()).unwrap_or_default(),
            list(&p.leadership.ceo_strengths),
            list(&p.leadership.ceo_gaps),
            p.leadership.ceo_plans_to_step_down.to_string(),
            p.leadership.retain_key_executive.to_string(),
            list(&p.situation.signs),
            list(&p.situation.events),
            p.situation.budget.to_string(),
            p.situation.narrative.clone().unwrap_or_default(),
        ];
        let columns = Columns::from_header(INPUT_COLUMNS).expect("contract header");
        let record: Vec<&str> = fields.iter().map(String::as_str).collect();
        let back = columns.profile(&record, kb()).expect("a written row reads back");
        prop_assert_eq!(back, p);
    }

    #[test]
    fn scores_in_range_and_evidence_sums_to_score(p in profile()) {
        let a = assess(kb(), &p);
        prop_assert_eq!(a.needs.len(), 4);
        for n in &a.needs {
            prop_assert!(n.score.tenths() >= 0 && n.score.tenths() <= 1000, "{}", n.score);
            let sum: nextseat_core::Points = n.evidence.iter().map(|e| e.contribution).sum();
            prop_assert_eq!(sum, n.score);
        }
    }

    #[test]
    fn adding_a_sign_never_lowers_a_score(p in profile(), idx in 0usize..64) {
        let kb = kb();
        let sign = &kb.signs[idx % kb.signs.len()];
        let before = assess(kb, &p);
        let mut q = p.clone();
        if !q.situation.signs.contains(&sign.id) {
            q.situation.signs.push(sign.id.clone());
        }
        let after = assess(kb, &q);
        for seat in RoleId::SEATS {
            let b = before.need(seat).map(|n| n.score);
            let a = after.need(seat).map(|n| n.score);
            prop_assert!(a >= b, "{} fell from {:?} to {:?} after adding {}", seat, b, a, sign.id);
        }
        let own = sign.seat;
        prop_assert!(after.need(own).map(|n| n.score) >= before.need(own).map(|n| n.score));
    }

    #[test]
    fn contract_structure_holds(p in profile()) {
        let kb = kb();
        let a = assess(kb, &p);
        // Highest score first.
        for w in a.needs.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
        for n in &a.needs {
            let filled = p.leadership.current_roles.contains(&n.role);
            prop_assert_eq!(filled, n.verdict == Verdict::AlreadyFilled);
            let active = matches!(n.verdict, Verdict::HireNow | Verdict::PlanNext);
            prop_assert_eq!(active, n.engagement.is_some());
            if n.role == RoleId::Implementer && active {
                prop_assert_eq!(n.engagement, Some(Engagement::Staff));
            }
            if n.role != RoleId::Implementer {
                prop_assert_ne!(n.engagement, Some(Engagement::Staff));
            }
            if n.engagement == Some(Engagement::FullTime) {
                prop_assert!(p.employees() >= kb.engagement.small_company.below_employees,
                    "a very small company is never told to hire full time");
                prop_assert!(p.situation.budget != Budget::Lean);
                let r = p.company.annual_revenue_usd;
                let assumed_large = kb.engagement.unknown_revenue_large.as_ref().is_some_and(|l| {
                    r.is_none() && p.employees() >= l.from_employees && l.engagement == Engagement::FullTime
                });
                prop_assert!(
                    assumed_large || r.is_some_and(|r| kb.revenue_band(r).engagement == Engagement::FullTime),
                    "full time needs revenue in a full-time band, or no revenue and a large headcount"
                );
            }
            if let Some(span) = &kb.role(n.role).span {
                prop_assert!(
                    n.verdict != Verdict::HireNow || p.employees() >= span.min_employees,
                    "no seat is hired now in a company smaller than its span"
                );
            }
        }
        let first_hire = a.needs.iter().find(|n| n.verdict == Verdict::HireNow).map(|n| n.role);
        prop_assert_eq!(a.primary, first_hire);
        let active: Vec<RoleId> = a.needs.iter()
            .filter(|n| matches!(n.verdict, Verdict::HireNow | Verdict::PlanNext))
            .map(|n| n.role).collect();
        prop_assert_eq!(a.roadmap.len(), active.len());
        if let Some(p) = a.primary {
            prop_assert_eq!(a.roadmap[0].role, p);
            prop_assert_eq!(a.roadmap[0].trigger.as_str(), "now");
        }
        for (i, s) in a.roadmap.iter().enumerate() {
            prop_assert_eq!(s.step as usize, i + 1);
            prop_assert!(!s.trigger.is_empty() && !s.reason.is_empty());
        }
        let coo_active = active.contains(&RoleId::Coo);
        prop_assert_eq!(coo_active, a.coo_archetype.is_some());
        if let Some(c) = &a.coo_archetype {
            prop_assert_eq!(c.ranked.len(), kb.archetypes.len());
            prop_assert_eq!(&c.best, &c.ranked[0].archetype);
            for w in c.ranked.windows(2) {
                prop_assert!(w[0].score >= w[1].score);
            }
        }
        // Layering: in the article's fractional band, at most one executive now.
        if p.company.annual_revenue_usd.is_some_and(|r| r < 5_000_000.0) {
            let execs_now = a.needs.iter()
                .filter(|n| n.verdict == Verdict::HireNow && n.role != RoleId::Implementer)
                .count();
            prop_assert!(execs_now <= 1);
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = Profile::parse(&s, nextseat_core::Format::Toml, kb());
        let _ = Profile::parse(&s, nextseat_core::Format::Json, kb());
        let _ = KnowledgeBase::parse(&s);
    }
}
