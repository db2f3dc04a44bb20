//! Semantic validation: references resolve, contract ids exist, weights keep the method's
//! invariants, and every band table covers its range exactly once (DMN's "unique" hit
//! policy), so the engine can look values up without a failure path.

use super::*;
use crate::diag::{Diagnostic, LineIndex, closest};
use crate::ids::{Engagement, Verdict};
use crate::locate::{parse_path, toml_span};
use std::collections::HashSet;
use toml::Spanned;
use toml::de::DeTable;

/// Sign ids the contract guarantees.
pub const CONTRACT_SIGNS: &[&str] = &[
    "cso.ideas_without_plan",
    "cso.new_markets",
    "cso.growth_ceiling",
    "cso.major_transition",
    "cso.long_term_misalignment",
    "cso.partnerships_needed",
    "coo.firefighting",
    "coo.delegation_overload",
    "coo.weak_accountability",
    "coo.missing_sops",
    "coo.slipping_deliverables",
    "coo.profitability_pressure",
    "coo.budget_control",
    "coo.process_inefficiency",
    "cos.initiatives_misaligned",
    "cos.key_projects_unowned",
    "cos.decision_support_gap",
    "cos.executive_coordination",
    "impl.no_follow_through",
    "impl.admin_backlog",
    "impl.cross_team_followup",
];

/// Event ids the contract guarantees.
pub const CONTRACT_EVENTS: &[&str] = &[
    "rapid_expansion",
    "reorganization",
    "turnaround",
    "merger",
    "exit",
    "fundraising",
];

/// Skill ids the contract guarantees.
pub const CONTRACT_SKILLS: &[&str] = &[
    "foresight",
    "patience",
    "logic",
    "critical_thinking",
    "problem_solving",
    "people_skills",
    "financial_acumen",
    "independence",
    "efficiency",
    "discipline",
    "attention_to_detail",
    "focus",
    "dedication",
];

/// COO archetype ids the contract guarantees.
pub const CONTRACT_ARCHETYPES: &[&str] = &[
    "executor",
    "agent_of_change",
    "mentor",
    "complement",
    "heir",
    "jewel",
];

struct V<'a, 'i> {
    lines: &'a LineIndex<'a>,
    root: &'a Spanned<DeTable<'i>>,
    diags: Vec<Diagnostic>,
}

impl V<'_, '_> {
    fn at(&mut self, key: &str, msg: impl Into<String>) -> &mut Diagnostic {
        let span = toml_span(self.root, &parse_path(key));
        self.diags
            .push(Diagnostic::new(key, msg).at_span(self.lines, span));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn unknown(&mut self, key: &str, what: &str, id: &str, valid: &[&str]) {
        let s = closest(id, valid.iter().copied());
        self.at(key, format!("unknown {what} \"{id}\"")).suggestion = s;
    }

    fn unique<'x>(&mut self, section: &str, ids: impl Iterator<Item = &'x str>) {
        let mut seen = HashSet::new();
        for (i, id) in ids.enumerate() {
            if !seen.insert(id) {
                self.at(
                    &format!("{section}[{i}].id"),
                    format!("duplicate id \"{id}\""),
                );
            }
        }
    }

    fn id_format(&mut self, key: &str, id: &str) {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
        if !ok {
            self.at(
                key,
                format!("id \"{id}\" must use only a-z, 0-9, '_' and '.'"),
            );
        }
    }

    fn required(&mut self, section: &str, have: &[&str], required: &[&str], what: &str) {
        for r in required {
            if !have.contains(r) {
                self.at(
                    section,
                    format!("the contract requires the {what} \"{r}\", which is missing"),
                );
            }
        }
    }

    /// Checks that half-open bands `[min, below)` cover `[lo, ∞)` exactly once.
    fn coverage(&mut self, section: &str, bands: &[(f64, Option<f64>)], lo: f64, hi: Option<f64>) {
        if bands.is_empty() {
            self.at(section, "needs at least one band");
            return;
        }
        let mut order: Vec<usize> = (0..bands.len()).collect();
        order.sort_by(|a, b| bands[*a].0.total_cmp(&bands[*b].0));
        let mut expect = lo;
        for (n, &i) in order.iter().enumerate() {
            let (min, below) = bands[i];
            let key = format!("{section}[{i}].min");
            if let Some(b) = below
                && b <= min
            {
                self.at(
                    &format!("{section}[{i}].below"),
                    format!("band is empty: below ({b}) must be greater than min ({min})"),
                );
            }
            if min > expect {
                self.at(
                    &key,
                    format!("values from {expect} up to {min} are in no band (a gap)"),
                );
            } else if min < expect {
                self.at(
                    &key,
                    format!("band starting at {min} overlaps the band before it (which ends at {expect})"),
                );
            }
            match below {
                Some(b) => expect = b,
                None => {
                    if n + 1 < order.len() {
                        let j = order[n + 1];
                        self.at(
                            &format!("{section}[{j}].min"),
                            "overlaps an open-ended band (one with no `below`)",
                        );
                    }
                    return;
                }
            }
        }
        if hi.is_none_or(|h| expect <= h) {
            self.at(
                section,
                format!(
                    "values from {expect} upwards are in no band: give the last band no `below`"
                ),
            );
        }
    }
}

pub(super) fn validate(
    kb: &KnowledgeBase,
    lines: &LineIndex<'_>,
    root: &Spanned<DeTable<'_>>,
) -> Vec<Diagnostic> {
    let mut v = V {
        lines,
        root,
        diags: Vec::new(),
    };

    // Sources and every citation.
    let source_ids: Vec<&str> = kb.sources.iter().map(|s| s.id.as_str()).collect();
    v.unique("sources", source_ids.iter().copied());
    let cite = |v: &mut V, key: String, id: &str| {
        if !source_ids.contains(&id) {
            v.unknown(&key, "source", id, &source_ids);
        }
    };

    // Roles.
    let mut role_ids: Vec<RoleId> = Vec::new();
    for (i, r) in kb.roles.iter().enumerate() {
        if role_ids.contains(&r.id) {
            v.at(
                &format!("roles[{i}].id"),
                format!("duplicate role \"{}\"", r.id),
            );
        }
        role_ids.push(r.id);
        let facts = [
            ("summary", &r.summary),
            ("focus", &r.focus),
            ("primary_question", &r.primary_question),
            ("outcome", &r.outcome),
            ("scope", &r.scope),
            ("strategic_involvement", &r.strategic_involvement),
            ("time_horizon", &r.time_horizon),
        ];
        for (k, f) in facts {
            cite(&mut v, format!("roles[{i}].{k}.source"), &f.source);
        }
        for (j, f) in r.responsibilities.iter().enumerate() {
            cite(
                &mut v,
                format!("roles[{i}].responsibilities[{j}].source"),
                &f.source,
            );
        }
        for (j, f) in r.notes.iter().enumerate() {
            cite(&mut v, format!("roles[{i}].notes[{j}].source"), &f.source);
        }
        if let Some(span) = &r.span {
            cite(&mut v, format!("roles[{i}].span.source"), &span.source);
            if span.min_employees < 2 {
                v.at(
                    &format!("roles[{i}].span.min_employees"),
                    "must be at least 2: every company has at least one employee",
                );
            }
            if r.id == RoleId::Ceo {
                v.at(
                    &format!("roles[{i}].span"),
                    "the CEO is never recommended, so it has no span",
                );
            }
        }
        for (j, c) in r.can_cover.iter().enumerate() {
            cite(
                &mut v,
                format!("roles[{i}].can_cover[{j}].source"),
                &c.source,
            );
            if c.role == r.id || c.role == RoleId::Ceo {
                v.at(
                    &format!("roles[{i}].can_cover[{j}].role"),
                    "a role can only cover another seat",
                );
            }
        }
        if r.id == RoleId::Implementer && r.executive {
            v.at(
                &format!("roles[{i}].executive"),
                "the Implementer is a staff role: executive must be false",
            );
        }
        if matches!(r.id, RoleId::Cso | RoleId::Coo | RoleId::ChiefOfStaff) && !r.executive {
            v.at(
                &format!("roles[{i}].executive"),
                format!(
                    "{} is an executive seat in the contract: executive must be true",
                    r.id
                ),
            );
        }
    }
    for r in RoleId::ALL {
        if !role_ids.contains(r) {
            v.at("roles", format!("the role \"{r}\" is missing"));
        }
    }

    // Skills and requirements.
    let skill_ids: Vec<&str> = kb.skills.iter().map(|s| s.id.as_str()).collect();
    v.unique("skills", skill_ids.iter().copied());
    v.required("skills", &skill_ids, CONTRACT_SKILLS, "skill");
    for (i, s) in kb.skills.iter().enumerate() {
        v.id_format(&format!("skills[{i}].id"), &s.id);
        cite(&mut v, format!("skills[{i}].source"), &s.source);
    }
    for (i, r) in kb.roles.iter().enumerate() {
        for (j, q) in r.requirements.iter().enumerate() {
            let key = format!("roles[{i}].requirements[{j}]");
            if !skill_ids.contains(&q.skill.as_str()) {
                v.unknown(&format!("{key}.skill"), "skill", &q.skill, &skill_ids);
            }
            if q.level > 5 {
                v.at(
                    &format!("{key}.level"),
                    format!("level {} is outside 0–5", q.level),
                );
            }
            if !(q.weight.is_finite() && q.weight > 0.0) {
                v.at(&format!("{key}.weight"), "weight must be a number above 0");
            }
            cite(&mut v, format!("{key}.source"), &q.source);
        }
    }

    // Signs.
    let sign_ids: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
    v.unique("signs", sign_ids.iter().copied());
    v.required("signs", &sign_ids, CONTRACT_SIGNS, "sign");
    for (i, s) in kb.signs.iter().enumerate() {
        let key = format!("signs[{i}]");
        v.id_format(&format!("{key}.id"), &s.id);
        cite(&mut v, format!("{key}.source"), &s.source);
        if s.seat == RoleId::Ceo {
            v.at(
                &format!("{key}.seat"),
                "a sign must point to a seat, not the ceo",
            );
        }
        for (seat, w) in s.weights.entries() {
            if w < Points::ZERO {
                v.at(
                    &format!("{key}.weights.{seat}"),
                    format!(
                        "sign weights must not be negative (got {w}): a sign can only raise a need"
                    ),
                );
            }
        }
        if s.weights.get(s.seat) <= Points::ZERO {
            v.at(
                &format!("{key}.weights"),
                format!("the sign's own seat \"{}\" needs a positive weight", s.seat),
            );
        }
    }

    // Events.
    let event_ids: Vec<&str> = kb.events.iter().map(|e| e.id.as_str()).collect();
    v.unique("events", event_ids.iter().copied());
    v.required("events", &event_ids, CONTRACT_EVENTS, "event");
    for (i, e) in kb.events.iter().enumerate() {
        let key = format!("events[{i}]");
        v.id_format(&format!("{key}.id"), &e.id);
        cite(&mut v, format!("{key}.source"), &e.source);
        for (j, s) in e.implies.iter().enumerate() {
            if !sign_ids.contains(&s.as_str()) {
                v.unknown(&format!("{key}.implies[{j}]"), "sign", s, &sign_ids);
            }
        }
        for (seat, w) in e.weights.entries() {
            if w < Points::ZERO {
                v.at(
                    &format!("{key}.weights.{seat}"),
                    "event weights must not be negative",
                );
            }
        }
    }

    // Bands.
    let size_ids: Vec<&str> = kb.size_bands.iter().map(|b| b.id.as_str()).collect();
    let mut revenue_ids: Vec<&str> = kb.revenue_bands.iter().map(|b| b.id.as_str()).collect();
    v.unique("size_bands", size_ids.iter().copied());
    v.unique("revenue_bands", revenue_ids.iter().copied());
    let sizes: Vec<(f64, Option<f64>)> = kb
        .size_bands
        .iter()
        .map(|b| (f64::from(b.min), b.below.map(f64::from)))
        .collect();
    v.coverage("size_bands", &sizes, 1.0, None);
    let revs: Vec<(f64, Option<f64>)> = kb.revenue_bands.iter().map(|b| (b.min, b.below)).collect();
    v.coverage("revenue_bands", &revs, 0.0, None);
    for (i, b) in kb.size_bands.iter().enumerate() {
        cite(&mut v, format!("size_bands[{i}].source"), &b.source);
    }
    for (i, b) in kb.revenue_bands.iter().enumerate() {
        cite(&mut v, format!("revenue_bands[{i}].source"), &b.source);
        if b.engagement == Engagement::Staff {
            v.at(
                &format!("revenue_bands[{i}].engagement"),
                "executive engagement must be fractional or full_time",
            );
        }
        if b.id == super::UNKNOWN_REVENUE {
            v.at(
                &format!("revenue_bands[{i}].id"),
                "\"unknown\" is reserved for a profile without revenue",
            );
        }
    }
    revenue_ids.push(super::UNKNOWN_REVENUE);

    // Scoring and verdicts.
    cite(&mut v, "scoring.source".into(), &kb.scoring.source);
    if kb.scoring.min >= kb.scoring.max {
        v.at("scoring.max", "max must be greater than min");
    }
    if kb.scoring.min < Points::ZERO || kb.scoring.max > Points::whole(100) {
        v.at("scoring", "scores are bounded within 0–100 by the contract");
    }
    let bands: Vec<(f64, Option<f64>)> = kb.verdicts.iter().map(|b| (b.min, b.below)).collect();
    v.coverage(
        "verdicts",
        &bands,
        kb.scoring.min.as_f64(),
        Some(kb.scoring.max.as_f64()),
    );
    for (i, b) in kb.verdicts.iter().enumerate() {
        cite(&mut v, format!("verdicts[{i}].source"), &b.source);
        if b.verdict == Verdict::AlreadyFilled {
            v.at(
                &format!("verdicts[{i}].verdict"),
                "already_filled comes from the team, not from a score band",
            );
        }
    }
    for needed in [Verdict::HireNow, Verdict::PlanNext, Verdict::NotYet] {
        if !kb.verdicts.iter().any(|b| b.verdict == needed) {
            v.at(
                "verdicts",
                format!("no band gives the verdict \"{needed}\""),
            );
        }
    }

    // Conditions everywhere.
    let area_ids: Vec<&str> = kb.ceo_tags.areas.iter().map(|a| a.id.as_str()).collect();
    let check_cond = |v: &mut V, key: String, c: &Condition| {
        for (field, a) in c.area_references() {
            if !area_ids.contains(&a) {
                v.unknown(
                    &format!("{key}.{field}"),
                    "CEO capability area ([[ceo_tags.areas]])",
                    a,
                    &area_ids,
                );
            }
        }
        let (sz, rv, ev) = c.references();
        for s in sz {
            if !size_ids.contains(&s) {
                v.unknown(&format!("{key}.size_band"), "size band", s, &size_ids);
            }
        }
        for r in rv {
            if !revenue_ids.contains(&r) {
                v.unknown(
                    &format!("{key}.revenue_band"),
                    "revenue band",
                    r,
                    &revenue_ids,
                );
            }
        }
        for e in ev {
            if !event_ids.contains(&e) {
                v.unknown(&format!("{key}.events_any"), "event", e, &event_ids);
            }
        }
    };
    // Only checks run after the signs are collected.
    let only_checks = |v: &mut V, key: String, c: &Condition| {
        if c.narrative_unconfirmed.is_some() {
            v.at(
                &format!("{key}.narrative_unconfirmed"),
                "only [[checks]] may test narrative_unconfirmed: it is known once the signs are collected",
            );
        }
    };
    for (i, f) in kb.factors.iter().enumerate() {
        only_checks(&mut v, format!("factors[{i}].when"), &f.when);
    }
    for (i, c) in kb.layering.when_any.iter().enumerate() {
        only_checks(&mut v, format!("layering.when_any[{i}]"), c);
    }
    for (a, arch) in kb.archetypes.iter().enumerate() {
        for (r, rule) in arch.rules.iter().enumerate() {
            only_checks(
                &mut v,
                format!("archetypes[{a}].rules[{r}].when"),
                &rule.when,
            );
        }
    }
    let factor_ids: Vec<&str> = kb.factors.iter().map(|f| f.id.as_str()).collect();
    v.unique("factors", factor_ids.iter().copied());
    for (i, f) in kb.factors.iter().enumerate() {
        v.id_format(&format!("factors[{i}].id"), &f.id);
        cite(&mut v, format!("factors[{i}].source"), &f.source);
        check_cond(&mut v, format!("factors[{i}].when"), &f.when);
        if sign_ids.contains(&f.id.as_str()) || event_ids.contains(&f.id.as_str()) {
            v.at(
                &format!("factors[{i}].id"),
                "a factor id must differ from every sign and event id",
            );
        }
    }
    for (i, c) in kb.layering.when_any.iter().enumerate() {
        check_cond(&mut v, format!("layering.when_any[{i}]"), c);
    }
    cite(&mut v, "layering.source".into(), &kb.layering.source);
    cite(&mut v, "roadmap.source".into(), &kb.roadmap.source);
    for (k, r) in [
        ("unknown_revenue", &kb.engagement.unknown_revenue),
        ("lean_budget", &kb.engagement.lean_budget),
    ] {
        cite(&mut v, format!("engagement.{k}.source"), &r.source);
        if r.engagement == Engagement::Staff {
            v.at(
                &format!("engagement.{k}.engagement"),
                "executive engagement must be fractional or full_time",
            );
        }
    }
    if let Some(large) = &kb.engagement.unknown_revenue_large {
        cite(
            &mut v,
            "engagement.unknown_revenue_large.source".into(),
            &large.source,
        );
        if large.engagement == Engagement::Staff {
            v.at(
                "engagement.unknown_revenue_large.engagement",
                "executive engagement must be fractional or full_time",
            );
        }
    }
    cite(
        &mut v,
        "engagement.small_company.source".into(),
        &kb.engagement.small_company.source,
    );
    cite(
        &mut v,
        "engagement.implementer.source".into(),
        &kb.engagement.implementer.source,
    );
    if kb.engagement.implementer.engagement != Engagement::Staff {
        v.at(
            "engagement.implementer.engagement",
            "the Implementer is a staff role: engagement must be \"staff\"",
        );
    }

    // Candidate fit.
    cite(&mut v, "fit.source".into(), &kb.fit.source);
    if !(0.0..=100.0).contains(&kb.fit.fits_min) {
        v.at("fit.fits_min", "must be between 0 and 100");
    }
    for (i, r) in kb.roles.iter().enumerate() {
        if r.id != RoleId::Ceo && r.requirements.is_empty() {
            v.at(
                &format!("roles[{i}].requirements"),
                format!(
                    "the seat \"{}\" needs skill requirements for candidate fit",
                    r.id
                ),
            );
        }
    }

    // Ownership audit.
    cite(&mut v, "ownership.source".into(), &kb.ownership.source);
    for (k, id) in [
        ("ceo_overload_sign", &kb.ownership.ceo_overload_sign),
        ("overlap_sign", &kb.ownership.overlap_sign),
    ] {
        if !sign_ids.contains(&id.as_str()) {
            v.unknown(&format!("ownership.{k}"), "sign", id, &sign_ids);
        }
    }
    let area_ids: Vec<&str> = kb
        .responsibility_areas
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    v.unique("responsibility_areas", area_ids.iter().copied());
    for (i, a) in kb.responsibility_areas.iter().enumerate() {
        let key = format!("responsibility_areas[{i}]");
        v.id_format(&format!("{key}.id"), &a.id);
        cite(&mut v, format!("{key}.source"), &a.source);
        if a.seat == RoleId::Ceo {
            v.at(
                &format!("{key}.seat"),
                "an area must belong to a seat, not the ceo",
            );
        }
        if a.words.iter().all(|w| w.trim().is_empty()) {
            v.at(
                &format!("{key}.words"),
                "needs at least one word to recognise the area",
            );
        }
        if let Some(s) = &a.gap_sign
            && !sign_ids.contains(&s.as_str())
        {
            v.unknown(&format!("{key}.gap_sign"), "sign", s, &sign_ids);
        }
    }
    for seat in RoleId::SEATS {
        if !kb.responsibility_areas.iter().any(|a| a.seat == seat) {
            v.at(
                "responsibility_areas",
                format!("the seat \"{seat}\" has no responsibility area"),
            );
        }
    }

    // Narrative.
    cite(&mut v, "narrative.source".into(), &kb.narrative.source);
    let r = &kb.narrative.reader;
    for (k, x, lo, hi) in [
        ("threshold", r.threshold, 0.0, 1.0),
        ("lexical_gate", r.lexical_gate, 0.0, 1.0),
        ("resolved_similarity", r.resolved_similarity, -1.0, 1.0),
        ("area_min_similarity", r.area_min_similarity, -1.0, 1.0),
        ("exemplar_match", r.exemplar_match, 0.0, 1.01),
    ] {
        if !(lo..=hi).contains(&x) {
            v.at(
                &format!("narrative.reader.{k}"),
                format!("must be between {lo} and {hi} (got {x})"),
            );
        }
    }
    if !(r.regularisation.is_finite() && r.regularisation > 0.0 && r.regularisation <= 1e6) {
        v.at(
            "narrative.reader.regularisation",
            format!(
                "must be a positive number up to 1000000 (got {})",
                r.regularisation
            ),
        );
    }
    if !(1..=100).contains(&r.neighbours) {
        v.at(
            "narrative.reader.neighbours",
            format!("must be between 1 and 100 (got {})", r.neighbours),
        );
    }
    if kb.narrative.max_gap > 10 {
        v.at(
            "narrative.max_gap",
            "at most 10 words between neighbours of a phrase",
        );
    }
    for (i, s) in kb.signs.iter().enumerate() {
        for (j, p) in s.phrases.iter().enumerate() {
            if !p.chars().any(char::is_alphanumeric) {
                v.at(
                    &format!("signs[{i}].phrases[{j}]"),
                    "a phrase needs at least one word",
                );
            }
        }
    }

    // Archetypes.
    let arch_ids: Vec<&str> = kb.archetypes.iter().map(|a| a.id.as_str()).collect();
    v.unique("archetypes", arch_ids.iter().copied());
    v.required("archetypes", &arch_ids, CONTRACT_ARCHETYPES, "archetype");
    for (i, a) in kb.archetypes.iter().enumerate() {
        v.id_format(&format!("archetypes[{i}].id"), &a.id);
        cite(
            &mut v,
            format!("archetypes[{i}].summary.source"),
            &a.summary.source,
        );
        cite(
            &mut v,
            format!("archetypes[{i}].typical.source"),
            &a.typical.source,
        );
        for (j, r) in a.rules.iter().enumerate() {
            let key = format!("archetypes[{i}].rules[{j}]");
            cite(&mut v, format!("{key}.source"), &r.source);
            check_cond(&mut v, format!("{key}.when"), &r.when);
            if r.points < Points::ZERO {
                v.at(
                    &format!("{key}.points"),
                    "archetype points must not be negative",
                );
            }
        }
    }

    // Interview wording.
    let mut asked: Vec<&str> = Vec::new();
    for (i, q) in kb.interview.iter().enumerate() {
        let key = format!("interview[{i}]");
        cite(&mut v, format!("{key}.source"), &q.source);
        match crate::ProfileField::parse(&q.field) {
            None => {
                let keys: Vec<&str> = crate::ProfileField::keys().collect();
                v.unknown(&format!("{key}.field"), "profile field", &q.field, &keys);
            }
            Some(_) if asked.contains(&q.field.as_str()) => {
                v.at(
                    &format!("{key}.field"),
                    format!("a second entry for \"{}\"", q.field),
                );
            }
            Some(field) => {
                asked.push(&q.field);
                let per_seat = field == crate::ProfileField::Signs;
                if q.prompt.trim().is_empty() {
                    v.at(&format!("{key}.prompt"), "the question must not be empty");
                } else if per_seat && !q.prompt.contains("{seat}") {
                    v.at(
                        &format!("{key}.prompt"),
                        "the signs are asked once per seat: the question must contain {seat}, which becomes the seat's name",
                    );
                }
                for (k, text) in [("prompt", Some(&q.prompt)), ("help", q.help.as_ref())] {
                    if !per_seat && text.is_some_and(|t| t.contains("{seat}")) {
                        v.at(
                            &format!("{key}.{k}"),
                            "{seat} only has a meaning in the situation.signs question",
                        );
                    }
                }
            }
        }
    }
    exemplars(&mut v, kb, &source_ids);
    ceo_tags(&mut v, kb, &source_ids);
    let check_ids: Vec<&str> = kb.checks.iter().map(|c| c.id.as_str()).collect();
    v.unique("checks", check_ids.iter().copied());
    for (i, c) in kb.checks.iter().enumerate() {
        v.id_format(&format!("checks[{i}].id"), &c.id);
        cite(&mut v, format!("checks[{i}].source"), &c.source);
        if c.text.trim().is_empty() {
            v.at(
                &format!("checks[{i}].text"),
                "say what to check: the text must not be empty",
            );
        }
        check_cond(&mut v, format!("checks[{i}].when"), &c.when);
    }
    v.diags
}

/// Most CEO capability areas (each is one bit of a profile's tag areas).
pub const MAX_CEO_AREAS: usize = 64;

/// CEO capability areas: unique ids, at most [`MAX_CEO_AREAS`], words that can match, no
/// example given twice, a similarity a cosine can reach.
fn ceo_tags(v: &mut V<'_, '_>, kb: &KnowledgeBase, source_ids: &[&str]) {
    let t = &kb.ceo_tags;
    if !source_ids.contains(&t.source.as_str()) {
        v.unknown("ceo_tags.source", "source", &t.source, source_ids);
    }
    if !(-1.0..=1.0).contains(&t.min_similarity) {
        v.at(
            "ceo_tags.min_similarity",
            format!(
                "{} is not a cosine similarity: use a value from -1 to 1",
                t.min_similarity
            ),
        );
    }
    if t.areas.len() > MAX_CEO_AREAS {
        v.at(
            "ceo_tags.areas",
            format!(
                "{} areas: at most {MAX_CEO_AREAS} are allowed",
                t.areas.len()
            ),
        );
    }
    v.unique("ceo_tags.areas", t.areas.iter().map(|a| a.id.as_str()));
    let mut seen: HashSet<String> = HashSet::new();
    let mut example = |v: &mut V<'_, '_>, key: String, text: &str| {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            v.at(&key, "an example must not be empty");
        } else if trimmed.chars().count() > MAX_EXEMPLAR {
            v.at(&key, format!("is longer than {MAX_EXEMPLAR} characters"));
        } else if !seen.insert(trimmed.to_lowercase()) {
            v.at(
                &key,
                "the same example appears twice: a tag belongs to one area (or to none)",
            );
        }
    };
    for (i, a) in t.areas.iter().enumerate() {
        let key = format!("ceo_tags.areas[{i}]");
        v.id_format(&format!("{key}.id"), &a.id);
        if a.label.trim().is_empty() {
            v.at(&format!("{key}.label"), "the label must not be empty");
        }
        if a.words.is_empty() && a.examples.is_empty() {
            v.at(
                &key,
                "give words or examples (or both): otherwise no tag can ever read as this area",
            );
        }
        for (j, w) in a.words.iter().enumerate() {
            if !w.chars().any(char::is_alphanumeric) {
                v.at(
                    &format!("{key}.words[{j}]"),
                    "a word needs at least one letter or digit",
                );
            }
        }
        for (j, e) in a.examples.iter().enumerate() {
            example(v, format!("{key}.examples[{j}]"), e);
        }
    }
    for (j, e) in t.other.iter().enumerate() {
        example(v, format!("ceo_tags.other[{j}]"), e);
    }
}

/// Longest accepted exemplar text.
pub const MAX_EXEMPLAR: usize = 1_000;

/// Exemplars name a known sign or area, hold non-empty plain texts, and never give one
/// text twice (a text that is an example of two things would pull both ways).
fn exemplars(v: &mut V<'_, '_>, kb: &KnowledgeBase, source_ids: &[&str]) {
    let sign_ids: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
    let area_ids: Vec<&str> = kb
        .responsibility_areas
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    for (i, e) in kb.exemplars.iter().enumerate() {
        let key = format!("exemplars[{i}]");
        if !source_ids.contains(&e.source.as_str()) {
            v.unknown(&format!("{key}.source"), "source", &e.source, source_ids);
        }
        let is_sign = match (&e.sign, &e.area) {
            _ if (e.neutral || e.no_seat)
                && (e.sign.is_some() || e.area.is_some() || (e.neutral && e.no_seat)) =>
            {
                v.at(
                    &key,
                    "name exactly one of sign = \"…\", area = \"…\", neutral = true or no_seat = true",
                );
                false
            }
            (None, None) if e.neutral || e.no_seat => false,
            (Some(id), None) => {
                if !sign_ids.contains(&id.as_str()) {
                    v.unknown(&format!("{key}.sign"), "sign", id, &sign_ids);
                }
                true
            }
            (None, Some(id)) => {
                if !area_ids.contains(&id.as_str()) {
                    v.unknown(&format!("{key}.area"), "responsibility area", id, &area_ids);
                }
                false
            }
            _ => {
                v.at(
                    &key,
                    "name exactly one of sign = \"…\", area = \"…\", neutral = true or no_seat = true",
                );
                false
            }
        };
        if !is_sign && !e.absent.is_empty() {
            v.at(
                &format!("{key}.absent"),
                "only a sign has absent examples: areas and neutral texts have present ones only",
            );
        }
        if e.present.is_empty() {
            v.at(&format!("{key}.present"), "needs at least one example text");
        }
        for (list, texts) in [("present", &e.present), ("absent", &e.absent)] {
            for (j, t) in texts.iter().enumerate() {
                let k = format!("{key}.{list}[{j}]");
                let trimmed = t.trim();
                if trimmed.is_empty() {
                    v.at(&k, "an example must not be empty");
                } else if trimmed.chars().count() > MAX_EXEMPLAR {
                    v.at(&k, format!("is longer than {MAX_EXEMPLAR} characters: keep an example to a few sentences"));
                } else if t
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
                {
                    v.at(&k, "contains control characters");
                } else if !seen.insert(trimmed.to_lowercase()) {
                    v.at(
                        &k,
                        "the same example appears twice: an example belongs to one sign or area",
                    );
                }
            }
        }
    }
}
