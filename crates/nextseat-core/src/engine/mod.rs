//! The needs-assessment engine: interprets a validated [`KnowledgeBase`] for one
//! [`Profile`].
//!
//! The steps, each in its own module: collect the signs ([`signs`]), add up each seat's
//! evidence ([`score`]), give verdicts and engagements ([`decide`]), sequence the
//! roadmap ([`roadmap`]) and rank the COO archetypes ([`archetype`]). The engine cannot
//! fail: the knowledge base and the profile were validated on the way in. It is
//! deterministic: ties are broken by the contract's seat order and the KB's entry order.
//!
//! The design decision here is **numbers first, words second**. [`Assessor::evaluate`]
//! decides everything on knowledge-base indices and integer points, allocating almost
//! nothing; [`explain`] then turns that outcome into the [`Assessment`] a reader sees,
//! walking the very same evidence ([`score::lines`]) to write each line. A batch that
//! only needs the scores ([`Assessor::summary`]) skips the words, and can never get
//! different numbers from the full report, because there is only one computation.

pub mod archetype;
pub mod decide;
pub mod explain;
pub mod roadmap;
pub mod score;
pub mod signs;

use crate::assessment::{Assessment, SignHit};
use crate::batch::Summary;
use crate::condition::{Facts, WordHits};
use crate::ids::{Origin, RoleId, Verdict};
use crate::kb::KnowledgeBase;
use crate::points::Points;
use crate::profile::Profile;
use crate::text::narrative::Scratch;
use signs::{Collector, Found, Via};

/// Assesses a profile: its declared signs, those found in its narrative, and those its
/// events imply.
pub fn assess(kb: &KnowledgeBase, profile: &Profile) -> Assessment {
    Assessor::new(kb).assess(profile, &[])
}

/// Assesses a profile with extra signs found elsewhere (an ownership audit). The
/// profile's narrative, if any, is diagnosed here. A sign found twice counts once, under
/// its first origin: declared, then narrative, then the extra signs, then events.
pub fn assess_with(kb: &KnowledgeBase, profile: &Profile, extra: &[SignHit]) -> Assessment {
    Assessor::new(kb).assess(profile, extra)
}

/// Why a seat got its verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictRule {
    /// The seat is already on the team.
    Filled,
    /// The KB's verdict band with this index.
    Band(usize),
    /// The layering rule held a `hire_now` back to `plan_next`.
    Layering,
    /// The company is smaller than the seat's span: `hire_now` held back to `plan_next`.
    Span,
}

/// One seat's numbers and verdict, before any words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seat {
    /// The seat.
    pub role: RoleId,
    /// The sum of its evidence lines.
    pub raw: Points,
    /// `raw` within the KB's bounds.
    pub score: Points,
    /// The verdict.
    pub verdict: Verdict,
    /// The rule that gave it.
    pub rule: VerdictRule,
}

impl Default for Seat {
    fn default() -> Self {
        Seat {
            role: RoleId::Cso,
            raw: Points::ZERO,
            score: Points::ZERO,
            verdict: Verdict::NotYet,
            rule: VerdictRule::Band(0),
        }
    }
}

/// Everything the engine decided for one profile, by knowledge-base index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Every sign taken into account, once each, in order of arrival.
    pub signs: Vec<Found>,
    /// The declared events, by KB index, each once.
    pub events: Vec<usize>,
    /// By KB factor index: whether the factor's condition holds.
    pub factors: Vec<bool>,
    /// The four seats in [`RoleId::SEATS`] order.
    pub seats: [Seat; 4],
    /// Indices into `seats`, highest score first (ties in seat order).
    pub order: [usize; 4],
    /// The highest-scoring `hire_now` seat.
    pub primary: Option<RoleId>,
    /// The seat the layering rule starts with, when it held others back.
    pub layered_after: Option<RoleId>,
    /// The archetypes by KB index and score, best first, when a COO is recommended.
    pub archetypes: Option<Vec<(usize, Points)>>,
    /// How the semantic reader read each narrative sign (by KB index), when a text model
    /// read the narrative.
    pub meanings: Vec<(usize, crate::assessment::Meaning)>,
}

/// Assesses profile after profile with one knowledge base, reusing its working memory
/// (the narrative matcher's word memo above all). Keep one per thread.
pub struct Assessor<'kb> {
    kb: &'kb KnowledgeBase,
    scratch: Scratch,
    seen: Vec<bool>,
    /// The last summary's outcome, kept for its buffers.
    spare: Outcome,
    /// Each tag or industry text seen, as written, with its hits on the KB's needles.
    word_memo: rustc_hash::FxHashMap<Box<str>, u128>,
    /// A spare buffer for the archetype ranking.
    ranked: Vec<(usize, Points)>,
    /// Each CEO tag seen, as written, with the capability area it reads as.
    tag_memo: rustc_hash::FxHashMap<Box<str>, Option<usize>>,
}

impl<'kb> Assessor<'kb> {
    /// An assessor for `kb`.
    pub fn new(kb: &'kb KnowledgeBase) -> Assessor<'kb> {
        Assessor {
            kb,
            scratch: Scratch::default(),
            seen: Vec::new(),
            spare: Outcome::default(),
            word_memo: Default::default(),
            ranked: Vec::new(),
            tag_memo: Default::default(),
        }
    }

    /// The full assessment, with its explanation.
    pub fn assess(&mut self, profile: &Profile, extra: &[SignHit]) -> Assessment {
        let mut outcome = Outcome::default();
        events_of(self.kb, profile, &mut outcome.events);
        let lowered = Lowered::of(self.kb, profile);
        let mut facts = lowered.facts(self.kb, profile, &outcome.events);
        facts.words = Some(self.word_hits(profile));
        let leadership = &profile.leadership;
        let (tags, areas) =
            crate::text::tags::read(self.kb, &leadership.ceo_strengths, &leadership.ceo_gaps);
        facts.ceo_areas = areas;
        self.decide(profile, extra, &facts, &mut outcome);
        explain::assessment(self.kb, profile, extra, &facts, &outcome, tags)
    }

    /// Only the numbers: the four scores, the primary seat and the best COO archetype.
    pub fn summary(&mut self, profile: &Profile) -> Summary<'kb> {
        let mut outcome = std::mem::take(&mut self.spare);
        events_of(self.kb, profile, &mut outcome.events);
        let lowered = Lowered::of(self.kb, profile);
        let mut facts = lowered.facts(self.kb, profile, &outcome.events);
        facts.words = Some(self.word_hits(profile));
        facts.ceo_areas = self.tag_areas(profile);
        self.decide(profile, &[], &facts, &mut outcome);
        let kb = self.kb;
        let summary = Summary {
            primary: outcome.primary,
            scores: outcome.seats.map(|s| s.score),
            coo_archetype: outcome
                .archetypes
                .as_ref()
                .and_then(|r| r.first())
                .map(|&(i, _)| kb.archetypes[i].id.as_str()),
        };
        self.spare = outcome;
        summary
    }

    /// The profile's tags and industry checked against the KB's needles, each distinct
    /// text once per assessor (tags repeat from company to company), lower-cased only
    /// when it is first seen.
    fn word_hits(&mut self, profile: &Profile) -> WordHits {
        const MEMO_LIMIT: usize = 10_000;
        if self.word_memo.len() >= MEMO_LIMIT {
            self.word_memo.clear();
        }
        let needles = &self.kb.conditions().needles;
        let memo = &mut self.word_memo;
        let mut hits_of = |text: &str| match memo.get(text) {
            Some(&h) => h,
            None => *memo.entry(text.into()).or_insert_with(|| {
                if has_upper(text) {
                    needles.hits(&text.to_lowercase())
                } else {
                    needles.hits(text)
                }
            }),
        };
        let mut any = |tags: &[String]| tags.iter().fold(0, |m, t| m | hits_of(t));
        let leadership = &profile.leadership;
        WordHits {
            gaps: any(&leadership.ceo_gaps),
            strengths: any(&leadership.ceo_strengths),
            industry: hits_of(profile.company.industry.as_deref().unwrap_or("")),
        }
    }

    /// The capability areas of the profile's CEO tags, each distinct tag read once per
    /// assessor (by meaning when a reader is attached, else by words).
    fn tag_areas(&mut self, profile: &Profile) -> crate::condition::TagAreas {
        const MEMO_LIMIT: usize = 10_000;
        let leadership = &profile.leadership;
        if leadership.ceo_strengths.is_empty() && leadership.ceo_gaps.is_empty() {
            return crate::condition::TagAreas::default();
        }
        if self.tag_memo.len() >= MEMO_LIMIT {
            self.tag_memo.clear();
        }
        let kb = self.kb;
        let layout = &kb.conditions().layout;
        let memo = &mut self.tag_memo;
        let mut bits = |tags: &[String]| {
            tags.iter().fold(0u64, |m, t| {
                let area = match memo.get(t.as_str()) {
                    Some(&a) => a,
                    None => {
                        let a = crate::text::tags::area(kb, t);
                        memo.insert(t.as_str().into(), a);
                        a
                    }
                };
                area.map_or(m, |i| m | layout.ceo_area_bit(i))
            })
        };
        crate::condition::TagAreas {
            strengths: bits(&leadership.ceo_strengths),
            gaps: bits(&leadership.ceo_gaps),
        }
    }

    /// Decides every number and verdict for `profile`, into `out` (whose buffers are
    /// reused; every field is overwritten).
    pub fn evaluate(
        &mut self,
        profile: &Profile,
        extra: &[SignHit],
        facts: &Facts<'_>,
        out: &mut Outcome,
    ) {
        events_of(self.kb, profile, &mut out.events);
        self.decide(profile, extra, facts, out);
    }

    /// [`Assessor::evaluate`] with `out.events` already holding the profile's events.
    fn decide(
        &mut self,
        profile: &Profile,
        extra: &[SignHit],
        facts: &Facts<'_>,
        out: &mut Outcome,
    ) {
        let kb = self.kb;
        let mut c = Collector::new(kb, &mut self.seen, &mut out.signs);
        for id in &profile.situation.signs {
            if let Some(i) = kb.sign_index(id) {
                c.push(i, Origin::Declared, Via::Declared);
            }
        }
        out.meanings.clear();
        if let Some(confirmed) = &profile.situation.narrative_signs {
            // A person confirmed these at intake: the narrative is not read again.
            for (k, confirmed) in confirmed.iter().enumerate() {
                if let Some(i) = kb.sign_index(&confirmed.id) {
                    c.push(i, Origin::Narrative, Via::Confirmed(k));
                }
            }
        } else if let Some(text) = profile.situation.narrative.as_deref()
            && !text.trim().is_empty()
        {
            if kb.reader().is_some() {
                // Reading by meaning embeds the text: it dwarfs the rest of an assessment,
                // so the allocations of a full diagnosis do not matter here.
                for f in kb.diagnose(text).signs {
                    if let Some(i) = kb.sign_index(&f.id) {
                        c.push(i, Origin::Narrative, Via::Phrase(f.start, f.end));
                        if let Some(m) = f.meaning {
                            out.meanings.push((i, m));
                        }
                    }
                }
            } else {
                for h in kb.matcher().scan(&mut self.scratch, text) {
                    c.push(h.sign, Origin::Narrative, Via::Phrase(h.start, h.end));
                }
            }
        }
        for (x, hit) in extra.iter().enumerate() {
            if let Some(i) = kb.sign_index(&hit.id) {
                c.push(i, hit.origin, Via::Extra(x));
            }
        }
        for &e in out.events.iter() {
            for &i in kb.implied_signs(e) {
                c.push(i, Origin::Event, Via::Event(e));
            }
        }
        out.factors.clear();
        out.factors
            .extend(kb.conditions().factors.iter().map(|c| c.holds(facts)));
        let totals = score::totals(kb, &out.signs, &out.events, &out.factors);
        for (k, seat) in out.seats.iter_mut().enumerate() {
            let (raw, score) = totals[k];
            *seat = Seat {
                role: RoleId::SEATS[k],
                raw,
                score,
                verdict: Verdict::NotYet,
                rule: VerdictRule::Band(0),
            };
        }
        let seats = &mut out.seats;
        out.layered_after = decide::verdicts(kb, seats, facts);
        let mut order = [0, 1, 2, 3];
        // Stable: equal scores keep the contract's seat order.
        order.sort_by_key(|&i| std::cmp::Reverse(seats[i].score));
        out.order = order;
        out.primary = order
            .iter()
            .map(|&i| &seats[i])
            .find(|s| s.verdict == Verdict::HireNow)
            .map(|s| s.role);
        let coo_needed = seats.iter().any(|s| {
            s.role == RoleId::Coo && matches!(s.verdict, Verdict::HireNow | Verdict::PlanNext)
        });
        let mut ranked = out
            .archetypes
            .take()
            .unwrap_or_else(|| std::mem::take(&mut self.ranked));
        if coo_needed {
            archetype::scored(kb, facts, &mut ranked, |_, _| {});
            out.archetypes = Some(ranked);
        } else {
            self.ranked = ranked;
        }
    }
}

/// The profile's declared events by KB index, each once, in declared order, into `out`.
fn events_of(kb: &KnowledgeBase, profile: &Profile, out: &mut Vec<usize>) {
    out.clear();
    for id in &profile.situation.events {
        if let Some(e) = kb.event_index(id)
            && !out.contains(&e)
        {
            out.push(e);
        }
    }
}

/// The profile's free tags and industry, lower-cased once for the conditions that read
/// them; `None` where the profile's own text is lower case already, or where no
/// condition reads texts (every word test is answered from [`WordHits`]).
struct Lowered {
    gaps: Option<Vec<String>>,
    strengths: Option<Vec<String>>,
    industry: Option<String>,
}

fn has_upper(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.chars().any(char::is_uppercase)
    }
}

impl Lowered {
    fn of(kb: &KnowledgeBase, profile: &Profile) -> Lowered {
        if !kb.conditions().needles.reads_texts() {
            return Lowered {
                gaps: None,
                strengths: None,
                industry: None,
            };
        }
        let lower = |v: &[String]| -> Option<Vec<String>> {
            v.iter()
                .any(|s| has_upper(s))
                .then(|| v.iter().map(|s| s.to_lowercase()).collect())
        };
        Lowered {
            gaps: lower(&profile.leadership.ceo_gaps),
            strengths: lower(&profile.leadership.ceo_strengths),
            industry: profile
                .company
                .industry
                .as_deref()
                .filter(|s| has_upper(s))
                .map(str::to_lowercase),
        }
    }

    /// The facts conditions read; `events` are the profile's events by KB index.
    fn facts<'a>(
        &'a self,
        kb: &'a KnowledgeBase,
        profile: &'a Profile,
        events: &[usize],
    ) -> Facts<'a> {
        let employees = profile.employees();
        let revenue = profile.company.annual_revenue_usd;
        let size_band = kb.size_band_index(employees);
        let revenue_band = revenue.map(|r| kb.revenue_band_index(r));
        let ids = kb
            .conditions()
            .layout
            .bits(size_band, revenue_band, events.iter().copied());
        Facts {
            size_band: kb.size_bands[size_band].id.as_str(),
            revenue_band: revenue_band.map_or(crate::kb::UNKNOWN_REVENUE, |i| {
                kb.revenue_bands[i].id.as_str()
            }),
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
            ceo_gaps: self.gaps.as_deref().unwrap_or(&profile.leadership.ceo_gaps),
            ceo_strengths: self
                .strengths
                .as_deref()
                .unwrap_or(&profile.leadership.ceo_strengths),
            industry: self
                .industry
                .as_deref()
                .unwrap_or(profile.company.industry.as_deref().unwrap_or("")),
            events: &profile.situation.events,
            current_roles: &profile.leadership.current_roles,
            ceo_areas: crate::condition::TagAreas::default(),
            narrative_unconfirmed: false,
            words: None,
            ids,
        }
    }
}
