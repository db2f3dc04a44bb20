//! Conditions: the one small language the knowledge base uses to say *when* a context
//! factor, an archetype rule or the layering rule applies.
//!
//! A [`Condition`] is a conjunction: every test it names must hold, and a condition that
//! names nothing always holds. Each test reads one field of the profile (or a band the
//! knowledge base derives from it). The field list is closed and checked on load, so a
//! rule that could not be evaluated is a load error, never a silent non-match.

use crate::ids::{Budget, Growth, Intensity, Market, RoleId};
use serde::{Deserialize, Serialize};

/// An inclusive lower bound and an exclusive upper bound; either may be absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Smallest value that matches.
    pub min: Option<f64>,
    /// First value above the range (exclusive).
    pub below: Option<f64>,
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.below.is_none_or(|b| v < b)
    }
}

/// A conjunction of tests on the profile. See the knowledge-base authoring guide for each
/// field's meaning.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The company's size band id is one of these.
    pub size_band: Option<Vec<String>>,
    /// The company's revenue band id is one of these (`unknown` when revenue is not given).
    pub revenue_band: Option<Vec<String>>,
    /// Headcount range.
    pub employees: Option<Range>,
    /// Revenue range; fails when revenue is unknown.
    pub annual_revenue_usd: Option<Range>,
    /// Whether revenue was given.
    pub revenue_known: Option<bool>,
    /// Operational intensity is one of these.
    pub operational_intensity: Option<Vec<Intensity>>,
    /// Market is one of these.
    pub market: Option<Vec<Market>>,
    /// Growth is one of these.
    pub growth: Option<Vec<Growth>>,
    /// Budget is one of these.
    pub budget: Option<Vec<Budget>>,
    /// The CEO's years of experience lie in this range; fails when not given.
    pub ceo_experience_years: Option<Range>,
    /// The CEO plans to step down (or not).
    pub ceo_plans_to_step_down: Option<bool>,
    /// A key executive must be retained (or not).
    pub retain_key_executive: Option<bool>,
    /// One of the CEO's gap tags contains one of these words (case-insensitive).
    pub ceo_gaps_any: Option<Vec<String>>,
    /// The CEO names at least one gap (any tag).
    pub ceo_has_gaps: Option<bool>,
    /// One of the CEO's strength tags contains one of these words (case-insensitive).
    pub ceo_strengths_any: Option<Vec<String>>,
    /// One of the CEO's gap tags reads as one of these capability areas (ids of the
    /// knowledge base's `[[ceo_tags.areas]]`).
    pub ceo_gap_areas: Option<Vec<String>>,
    /// One of the CEO's strength tags reads as one of these capability areas.
    pub ceo_strength_areas: Option<Vec<String>>,
    /// The CEO names one capability area both as a strength and as a gap (or not).
    pub ceo_tags_conflict: Option<bool>,
    /// Revenue per person on the team, in US dollars; fails when revenue is unknown.
    pub revenue_per_employee: Option<Range>,
    /// How many of the seats (and the CEO) are already on the team.
    pub roles_filled_count: Option<Range>,
    /// Signs were read from the narrative and counted without a person confirming them
    /// (only `[[checks]]` may test this: it is known once the signs are collected).
    pub narrative_unconfirmed: Option<bool>,
    /// The industry text contains one of these words (case-insensitive).
    pub industry_any: Option<Vec<String>>,
    /// At least one of these events is declared.
    pub events_any: Option<Vec<String>>,
    /// At least one of these roles is already on the team.
    pub roles_filled_any: Option<Vec<RoleId>>,
    /// None of these roles is on the team.
    pub roles_open_all: Option<Vec<RoleId>>,
}

/// A condition compiled to the list of tests it names, with its words lower-cased:
/// checking it touches only what it tests. The engine compiles each knowledge base's
/// conditions once ([`crate::KnowledgeBase::conditions`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Compiled(Vec<Test>);

impl Compiled {
    /// Whether every test holds for `f`.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        self.0.iter().all(|t| t.holds(f))
    }
}

/// The words of a case-insensitive test, lower-cased, and their bits in a [`Needles`]
/// table once the condition is indexed.
#[derive(Clone, Debug, PartialEq)]
struct Words {
    list: Vec<String>,
    mask: Option<u128>,
}

/// Every word the case-insensitive tests of a set of conditions look for, numbered (at
/// most 128), so that a profile's text is checked against all of them once, and the
/// result can be remembered per text, instead of once per test.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Needles(Vec<String>, bool);

impl Needles {
    /// Numbers the words of every case-insensitive test in `conditions` and records
    /// each test's bits. With more than 128 distinct words nothing is numbered and the
    /// tests keep comparing words.
    pub fn index<'c>(conditions: impl IntoIterator<Item = &'c mut Compiled>) -> Needles {
        let mut tests: Vec<&mut Words> = conditions
            .into_iter()
            .flat_map(|c| c.0.iter_mut())
            .filter_map(|t| match t {
                Test::GapsAny(w) | Test::StrengthsAny(w) | Test::IndustryAny(w) => Some(w),
                _ => None,
            })
            .collect();
        let mut words: Vec<String> = Vec::new();
        for t in &tests {
            for w in &t.list {
                if !words.contains(w) {
                    words.push(w.clone());
                }
            }
        }
        if words.len() > 128 {
            return Needles(Vec::new(), true);
        }
        for t in &mut tests {
            let bits = t
                .list
                .iter()
                .filter_map(|w| words.iter().position(|x| x == w))
                .fold(0u128, |m, i| m | 1 << i);
            t.mask = Some(bits);
        }
        Needles(words, false)
    }

    /// Whether some case-insensitive test was left unnumbered (there were more than 128
    /// words) and so reads the profile's lower-cased texts themselves.
    pub fn reads_texts(&self) -> bool {
        self.1
    }

    /// Bit `i` is set when `text` (lower case) contains word `i`.
    pub fn hits(&self, text: &str) -> u128 {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, w)| contains(text, w))
            .fold(0, |m, (i, _)| m | 1 << i)
    }
}

/// Which [`Needles`] a profile's texts contain: what the indexed case-insensitive tests
/// read instead of the texts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordHits {
    /// Words found in any CEO gap tag.
    pub gaps: u128,
    /// Words found in any CEO strength tag.
    pub strengths: u128,
    /// Words found in the industry.
    pub industry: u128,
}

/// Band or event ids a test names, and their bits once the condition is indexed
/// against a knowledge base ([`IdBits`]).
#[derive(Clone, Debug, PartialEq)]
struct Ids {
    list: Vec<String>,
    mask: Option<u64>,
}

impl Ids {
    fn new(list: Vec<String>) -> Ids {
        Ids { list, mask: None }
    }

    /// Bit `i` for each id at position `i` of `known`; none if an id is not there (the
    /// knowledge base's validation reports it) or there are more than 64.
    fn index(&mut self, known: &[&str]) {
        if known.len() > 64 {
            return;
        }
        self.mask = self.list.iter().try_fold(0u64, |m, id| {
            known.iter().position(|k| k == id).map(|i| m | 1 << i)
        });
    }

    fn holds(&self, bit: Option<u64>, any: impl FnOnce(&[String]) -> bool) -> bool {
        match (self.mask, bit) {
            (Some(m), Some(b)) => m & b != 0,
            _ => any(&self.list),
        }
    }
}

/// One test of a condition: the fields of [`Condition`] that are present, as a list, so
/// that checking a condition touches only what it tests. Sets of fixed values are masks
/// of their [`bit`](RoleId::bit)s.
#[derive(Clone, Debug, PartialEq)]
enum Test {
    SizeBand(Ids),
    RevenueBand(Ids),
    Employees(Range),
    Revenue(Range),
    RevenueKnown(bool),
    Intensity(u32),
    Market(u32),
    Growth(u32),
    Budget(u32),
    CeoExperience(Range),
    StepDown(bool),
    Retain(bool),
    GapsAny(Words),
    HasGaps(bool),
    StrengthsAny(Words),
    GapAreas(Ids),
    StrengthAreas(Ids),
    TagsConflict(bool),
    RevenuePerEmployee(Range),
    RolesFilledCount(Range),
    NarrativeUnconfirmed(bool),
    IndustryAny(Words),
    EventsAny(Ids),
    RolesFilledAny(u32),
    RolesOpenAll(u32),
}

impl Test {
    // Not inlined: inlined into a condition's loop, the compiler reads every fact a test
    // might need before the first test, which costs more than the tests themselves.
    #[inline(never)]
    fn holds(&self, f: &Facts<'_>) -> bool {
        let ids = f.ids.as_ref();
        match self {
            Test::SizeBand(v) => v.holds(ids.map(|b| b.size_band), |l| {
                l.iter().any(|b| b == f.size_band)
            }),
            Test::RevenueBand(v) => v.holds(ids.map(|b| b.revenue_band), |l| {
                l.iter().any(|b| b == f.revenue_band)
            }),
            Test::Employees(r) => r.contains(f64::from(f.employees)),
            Test::Revenue(r) => f.annual_revenue_usd.is_some_and(|v| r.contains(v)),
            Test::RevenueKnown(k) => *k == f.annual_revenue_usd.is_some(),
            Test::Intensity(m) => m & f.operational_intensity.bit() != 0,
            Test::Market(m) => m & f.market.bit() != 0,
            Test::Growth(m) => m & f.growth.bit() != 0,
            Test::Budget(m) => m & f.budget.bit() != 0,
            Test::CeoExperience(r) => f
                .ceo_experience_years
                .is_some_and(|y| r.contains(f64::from(y))),
            Test::StepDown(b) => *b == f.ceo_plans_to_step_down,
            Test::Retain(b) => *b == f.retain_key_executive,
            Test::GapsAny(w) => match (w.mask, &f.words) {
                (Some(m), Some(h)) => h.gaps & m != 0,
                _ => any_tag_contains(f.ceo_gaps, &w.list),
            },
            Test::HasGaps(b) => *b != f.ceo_gaps.is_empty(),
            Test::StrengthsAny(w) => match (w.mask, &f.words) {
                (Some(m), Some(h)) => h.strengths & m != 0,
                _ => any_tag_contains(f.ceo_strengths, &w.list),
            },
            Test::GapAreas(v) => v.mask.is_some_and(|m| m & f.ceo_areas.gaps != 0),
            Test::StrengthAreas(v) => v.mask.is_some_and(|m| m & f.ceo_areas.strengths != 0),
            Test::TagsConflict(b) => *b == (f.ceo_areas.gaps & f.ceo_areas.strengths != 0),
            Test::RevenuePerEmployee(r) => f
                .annual_revenue_usd
                .is_some_and(|v| r.contains(v / f64::from(f.employees.max(1)))),
            Test::RolesFilledCount(r) => {
                r.contains(RoleId::mask(f.current_roles).count_ones() as f64)
            }
            Test::NarrativeUnconfirmed(b) => *b == f.narrative_unconfirmed,
            Test::IndustryAny(w) => match (w.mask, &f.words) {
                (Some(m), Some(h)) => h.industry & m != 0,
                _ => w.list.iter().any(|x| contains(f.industry, x)),
            },
            Test::EventsAny(v) => v.holds(ids.map(|b| b.events), |l| {
                l.iter().any(|e| f.events.contains(e))
            }),
            Test::RolesFilledAny(m) => m & RoleId::mask(f.current_roles) != 0,
            Test::RolesOpenAll(m) => m & RoleId::mask(f.current_roles) == 0,
        }
    }
}

/// The knowledge base's size bands, revenue bands (then `unknown`) and events, in order:
/// the positions a condition's ids are given bits by, so that a band or event test is
/// one AND. [`IdBits`] are a profile's bits in the same numbering.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    size_bands: Vec<String>,
    revenue_bands: Vec<String>,
    events: Vec<String>,
    ceo_areas: Vec<String>,
}

impl Layout {
    /// The numbering of these ids (revenue bands without `unknown`, which comes last).
    pub fn new<'a>(
        size_bands: impl IntoIterator<Item = &'a str>,
        revenue_bands: impl IntoIterator<Item = &'a str>,
        events: impl IntoIterator<Item = &'a str>,
    ) -> Layout {
        let own = |ids: &mut dyn Iterator<Item = &'a str>| ids.map(str::to_string).collect();
        let mut revenue_bands: Vec<String> = own(&mut revenue_bands.into_iter());
        revenue_bands.push(crate::kb::UNKNOWN_REVENUE.to_string());
        Layout {
            size_bands: own(&mut size_bands.into_iter()),
            revenue_bands,
            events: own(&mut events.into_iter()),
            ceo_areas: Vec::new(),
        }
    }

    /// The same numbering, with the knowledge base's CEO capability areas (at most 64,
    /// which validation enforces) numbered for the area tests.
    pub fn with_ceo_areas<'a>(mut self, areas: impl IntoIterator<Item = &'a str>) -> Layout {
        self.ceo_areas = areas.into_iter().map(str::to_string).collect();
        self
    }

    /// The bit of the CEO capability area with this index (none past 64).
    pub fn ceo_area_bit(&self, area: usize) -> u64 {
        if area < 64 { 1 << area } else { 0 }
    }

    /// Gives the band and event tests of `conditions` their bits.
    pub fn index<'c>(&self, conditions: impl IntoIterator<Item = &'c mut Compiled>) {
        fn strs(v: &[String]) -> Vec<&str> {
            v.iter().map(String::as_str).collect()
        }
        let (size, revenue, events, areas) = (
            strs(&self.size_bands),
            strs(&self.revenue_bands),
            strs(&self.events),
            strs(&self.ceo_areas),
        );
        for test in conditions.into_iter().flat_map(|c| c.0.iter_mut()) {
            match test {
                Test::SizeBand(ids) => ids.index(&size),
                Test::RevenueBand(ids) => ids.index(&revenue),
                Test::EventsAny(ids) => ids.index(&events),
                Test::GapAreas(ids) | Test::StrengthAreas(ids) => ids.index(&areas),
                _ => {}
            }
        }
    }

    /// A profile's bits: its size band, revenue band (`None` for unknown revenue) and
    /// events, by their positions in the knowledge base.
    pub fn bits(
        &self,
        size_band: usize,
        revenue_band: Option<usize>,
        events: impl IntoIterator<Item = usize>,
    ) -> Option<IdBits> {
        let unknown = self.revenue_bands.len() - 1;
        let bit = |i: usize| (i < 64).then(|| 1u64 << i);
        Some(IdBits {
            size_band: bit(size_band)?,
            revenue_band: bit(revenue_band.unwrap_or(unknown))?,
            events: events
                .into_iter()
                .try_fold(0u64, |m, e| bit(e).map(|b| m | b))?,
        })
    }
}

/// A profile's size band, revenue band and events as bits of a [`Layout`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdBits {
    /// The size band's bit.
    pub size_band: u64,
    /// The revenue band's bit (`unknown` has one too).
    pub revenue_band: u64,
    /// The declared events' bits.
    pub events: u64,
}

/// The capability areas a profile's CEO tags read as, as bits of the knowledge base's
/// [`Layout`] (see [`crate::text::tags`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TagAreas {
    /// Areas named by a gap tag.
    pub gaps: u64,
    /// Areas named by a strength tag.
    pub strengths: u64,
}

/// The facts of one profile that conditions read, computed once per assessment.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    /// Size band id.
    pub size_band: &'a str,
    /// Revenue band id, or `unknown`.
    pub revenue_band: &'a str,
    /// Headcount.
    pub employees: u32,
    /// Revenue, when given.
    pub annual_revenue_usd: Option<f64>,
    /// Operational intensity.
    pub operational_intensity: Intensity,
    /// Market.
    pub market: Market,
    /// Growth.
    pub growth: Growth,
    /// Budget.
    pub budget: Budget,
    /// CEO experience, when given.
    pub ceo_experience_years: Option<u32>,
    /// Succession plan.
    pub ceo_plans_to_step_down: bool,
    /// Retention need.
    pub retain_key_executive: bool,
    /// CEO gap tags: lower-cased wherever a test reads them rather than `words`.
    pub ceo_gaps: &'a [String],
    /// CEO strength tags: lower-cased wherever a test reads them rather than `words`.
    pub ceo_strengths: &'a [String],
    /// The capability areas the CEO's tags read as (the area tests read these; a
    /// condition not indexed against a knowledge base's areas never holds).
    pub ceo_areas: TagAreas,
    /// Narrative signs were counted without a person confirming them (set for
    /// `[[checks]]` only, once the signs are collected).
    pub narrative_unconfirmed: bool,
    /// Industry: lower-cased wherever a test reads it rather than `words`.
    pub industry: &'a str,
    /// Declared event ids.
    pub events: &'a [String],
    /// Roles on the team.
    pub current_roles: &'a [RoleId],
    /// The texts' hits on the knowledge base's [`Needles`], when the engine has worked
    /// them out; indexed tests read these, the others the texts.
    pub words: Option<WordHits>,
    /// The bands and events as bits of the knowledge base's [`Layout`], when the engine
    /// has worked them out; indexed tests read these, the others the ids.
    pub ids: Option<IdBits>,
}

fn ids(o: &Option<Vec<String>>) -> Vec<&str> {
    o.iter().flatten().map(String::as_str).collect()
}

/// `words` are lower-cased by [`Condition::compile`]; `tags` by the engine.
fn any_tag_contains(tags: &[String], words: &[String]) -> bool {
    tags.iter().any(|t| words.iter().any(|w| contains(t, w)))
}

/// Whether `needle` occurs in `haystack`. Tags and KB words are a few bytes long, where
/// `str::contains` spends more on setting up its searcher than a plain scan takes.
fn contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty()
        || h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a == b))
}

impl Condition {
    /// Whether every test in the condition holds for `f`. This compiles the condition
    /// each time; hot paths keep a [`Compiled`] instead.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        self.compile().holds(f)
    }

    /// The tests the condition names, as a list, with the case-insensitive words
    /// lower-cased.
    pub fn compile(&self) -> Compiled {
        fn lower(words: Vec<String>) -> Words {
            Words {
                list: words.into_iter().map(|w| w.to_lowercase()).collect(),
                mask: None,
            }
        }
        let c = self.clone();
        Compiled(
            [
                c.size_band.map(|v| Test::SizeBand(Ids::new(v))),
                c.revenue_band.map(|v| Test::RevenueBand(Ids::new(v))),
                c.employees.map(Test::Employees),
                c.annual_revenue_usd.map(Test::Revenue),
                c.revenue_known.map(Test::RevenueKnown),
                c.operational_intensity
                    .map(|v| Test::Intensity(Intensity::mask(&v))),
                c.market.map(|v| Test::Market(Market::mask(&v))),
                c.growth.map(|v| Test::Growth(Growth::mask(&v))),
                c.budget.map(|v| Test::Budget(Budget::mask(&v))),
                c.ceo_experience_years.map(Test::CeoExperience),
                c.ceo_plans_to_step_down.map(Test::StepDown),
                c.retain_key_executive.map(Test::Retain),
                c.ceo_gaps_any.map(|w| Test::GapsAny(lower(w))),
                c.ceo_has_gaps.map(Test::HasGaps),
                c.ceo_strengths_any.map(|w| Test::StrengthsAny(lower(w))),
                c.ceo_gap_areas.map(|v| Test::GapAreas(Ids::new(v))),
                c.ceo_strength_areas
                    .map(|v| Test::StrengthAreas(Ids::new(v))),
                c.ceo_tags_conflict.map(Test::TagsConflict),
                c.revenue_per_employee.map(Test::RevenuePerEmployee),
                c.roles_filled_count.map(Test::RolesFilledCount),
                c.narrative_unconfirmed.map(Test::NarrativeUnconfirmed),
                c.industry_any.map(|w| Test::IndustryAny(lower(w))),
                c.events_any.map(|v| Test::EventsAny(Ids::new(v))),
                c.roles_filled_any
                    .map(|v| Test::RolesFilledAny(RoleId::mask(&v))),
                c.roles_open_all
                    .map(|v| Test::RolesOpenAll(RoleId::mask(&v))),
            ]
            .into_iter()
            .flatten()
            .collect(),
        )
    }

    /// The band and event ids this condition refers to, for validation on load:
    /// `(size bands, revenue bands, events)`.
    pub fn references(&self) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        (
            ids(&self.size_band),
            ids(&self.revenue_band),
            ids(&self.events_any),
        )
    }

    /// The CEO capability area ids the condition names, with the key naming them.
    pub fn area_references(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = Vec::new();
        out.extend(
            ids(&self.ceo_gap_areas)
                .into_iter()
                .map(|a| ("ceo_gap_areas", a)),
        );
        out.extend(
            ids(&self.ceo_strength_areas)
                .into_iter()
                .map(|a| ("ceo_strength_areas", a)),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(gaps: &'a [String], events: &'a [String]) -> Facts<'a> {
        Facts {
            size_band: "small",
            revenue_band: "fractional_band",
            employees: 40,
            annual_revenue_usd: Some(2_000_000.0),
            operational_intensity: Intensity::High,
            market: Market::Competitive,
            growth: Growth::Rapid,
            budget: Budget::Moderate,
            ceo_experience_years: None,
            ceo_plans_to_step_down: false,
            retain_key_executive: false,
            ceo_gaps: gaps,
            ceo_strengths: &[],
            ceo_areas: TagAreas::default(),
            narrative_unconfirmed: false,
            industry: "regional logistics",
            events,
            current_roles: &[RoleId::Ceo],
            words: None,
            ids: None,
        }
    }

    #[test]
    fn empty_condition_always_holds() {
        assert!(Condition::default().holds(&facts(&[], &[])));
    }

    #[test]
    fn every_test_must_hold() {
        let gaps = vec!["operations".to_string()];
        let f = facts(&gaps, &[]);
        let c = Condition {
            size_band: Some(vec!["small".into()]),
            ceo_gaps_any: Some(vec!["Operation".into()]),
            industry_any: Some(vec!["logistics".into()]),
            ..Condition::default()
        };
        assert!(c.holds(&f));
        assert!(c.compile().holds(&f));
        let c2 = Condition {
            growth: Some(vec![Growth::Flat]),
            ..c
        };
        assert!(!c2.holds(&f));
    }

    #[test]
    fn indexed_word_tests_agree_with_comparing_words() {
        let c = Condition {
            ceo_gaps_any: Some(vec!["Operation".into(), "ops".into()]),
            industry_any: Some(vec!["logistics".into()]),
            ..Condition::default()
        };
        let other = Condition {
            ceo_strengths_any: Some(vec!["strateg".into(), "ops".into()]),
            ..Condition::default()
        };
        let mut compiled = [c.compile(), other.compile()];
        let needles = Needles::index(compiled.iter_mut());
        assert_eq!(needles.0, ["operation", "ops", "logistics", "strateg"]);
        for gaps in [
            vec![],
            vec!["operations".to_string()],
            vec!["devops".to_string()],
            vec!["sales".to_string()],
        ] {
            for strengths in [vec![], vec!["strategy".to_string()]] {
                for industry in ["regional logistics", "software"] {
                    let mut f = facts(&gaps, &[]);
                    f.ceo_strengths = &strengths;
                    f.industry = industry;
                    let plain = [c.holds(&f), other.holds(&f)];
                    let mut hits = WordHits::default();
                    for t in &gaps {
                        hits.gaps |= needles.hits(t);
                    }
                    for t in &strengths {
                        hits.strengths |= needles.hits(t);
                    }
                    hits.industry = needles.hits(industry);
                    f.words = Some(hits);
                    let indexed = [compiled[0].holds(&f), compiled[1].holds(&f)];
                    assert_eq!(plain, indexed, "{gaps:?} {strengths:?} {industry}");
                }
            }
        }
    }

    #[test]
    fn indexed_band_and_event_tests_agree_with_comparing_ids() {
        let layout = Layout::new(
            ["small", "medium", "large"],
            ["bootstrap", "fractional_band", "growth"],
            ["rapid_expansion", "merger", "exit"],
        );
        let conditions = [
            Condition {
                size_band: Some(vec!["small".into(), "large".into()]),
                ..Condition::default()
            },
            Condition {
                revenue_band: Some(vec!["unknown".into()]),
                ..Condition::default()
            },
            Condition {
                revenue_band: Some(vec!["growth".into(), "fractional_band".into()]),
                events_any: Some(vec!["merger".into()]),
                ..Condition::default()
            },
            Condition {
                // An id the layout does not know stays a comparison of ids.
                events_any: Some(vec!["exit".into(), "spin_off".into()]),
                ..Condition::default()
            },
        ];
        let mut compiled: Vec<Compiled> = conditions.iter().map(Condition::compile).collect();
        layout.index(compiled.iter_mut());
        let event_sets: [&[&str]; 4] = [
            &[],
            &["merger"],
            &["exit", "rapid_expansion"],
            &["spin_off"],
        ];
        for (s, size) in ["small", "medium", "large"].into_iter().enumerate() {
            for (r, revenue) in [
                None,
                Some("bootstrap"),
                Some("fractional_band"),
                Some("growth"),
            ]
            .into_iter()
            .enumerate()
            {
                for events in event_sets {
                    let owned: Vec<String> = events.iter().map(|e| e.to_string()).collect();
                    let mut f = facts(&[], &owned);
                    f.size_band = size;
                    f.revenue_band = revenue.unwrap_or("unknown");
                    f.annual_revenue_usd = revenue.map(|_| 1.0);
                    let plain: Vec<bool> = compiled.iter().map(|c| c.holds(&f)).collect();
                    let known = ["rapid_expansion", "merger", "exit"];
                    f.ids = layout.bits(
                        s,
                        r.checked_sub(1),
                        events
                            .iter()
                            .filter_map(|e| known.iter().position(|k| k == e)),
                    );
                    assert!(f.ids.is_some());
                    let indexed: Vec<bool> = compiled.iter().map(|c| c.holds(&f)).collect();
                    assert_eq!(plain, indexed, "{size} {revenue:?} {events:?}");
                }
            }
        }
        // The plain answers are the right ones.
        let mut f = facts(&[], &[]);
        f.size_band = "large";
        assert!(compiled[0].holds(&f));
        f.size_band = "medium";
        assert!(!compiled[0].holds(&f));
    }

    #[test]
    fn area_tests_read_the_tag_bits_of_an_indexed_layout() {
        let layout = Layout::new(["small"], ["fractional_band"], []).with_ceo_areas([
            "operations",
            "strategy",
            "finance",
        ]);
        let mut gap_finance = Condition {
            ceo_gap_areas: Some(vec!["finance".into()]),
            ..Condition::default()
        }
        .compile();
        let mut strong_ops = Condition {
            ceo_strength_areas: Some(vec!["operations".into(), "strategy".into()]),
            ..Condition::default()
        }
        .compile();
        let conflict = Condition {
            ceo_tags_conflict: Some(true),
            ..Condition::default()
        }
        .compile();
        let unindexed = gap_finance.clone();
        layout.index([&mut gap_finance, &mut strong_ops]);
        let mut f = facts(&[], &[]);
        assert!(!gap_finance.holds(&f) && !strong_ops.holds(&f) && !conflict.holds(&f));
        f.ceo_areas = TagAreas {
            gaps: layout.ceo_area_bit(2) | layout.ceo_area_bit(1),
            strengths: layout.ceo_area_bit(1),
        };
        assert!(gap_finance.holds(&f));
        assert!(strong_ops.holds(&f), "strategy is one of the two");
        assert!(conflict.holds(&f), "strategy is both a strength and a gap");
        assert!(!unindexed.holds(&f), "an unindexed area test never holds");
    }

    #[test]
    fn revenue_per_person_and_filled_seats_are_counted() {
        let per_person = Condition {
            revenue_per_employee: Some(Range {
                min: None,
                below: Some(5_000.0),
            }),
            ..Condition::default()
        };
        let mut f = facts(&[], &[]);
        f.employees = 40;
        f.annual_revenue_usd = Some(100_000.0);
        assert!(per_person.holds(&f), "2,500 a person");
        f.annual_revenue_usd = Some(2_000_000.0);
        assert!(!per_person.holds(&f));
        f.annual_revenue_usd = None;
        assert!(!per_person.holds(&f), "unknown revenue fails");
        f.employees = 0;
        f.annual_revenue_usd = Some(1_000.0);
        assert!(per_person.holds(&f), "no division by zero");
        let three_seats = Condition {
            roles_filled_count: Some(Range {
                min: Some(3.0),
                below: None,
            }),
            ..Condition::default()
        };
        let roles = [RoleId::Ceo, RoleId::Coo, RoleId::Cso];
        f.current_roles = &roles;
        assert!(three_seats.holds(&f));
        f.current_roles = &roles[..2];
        assert!(!three_seats.holds(&f));
    }

    #[test]
    fn unknown_values_fail_their_tests() {
        let f = facts(&[], &[]);
        let c = Condition {
            ceo_experience_years: Some(Range {
                min: None,
                below: Some(3.0),
            }),
            ..Condition::default()
        };
        assert!(!c.holds(&f), "unknown experience is not 'under 3 years'");
    }

    #[test]
    fn short_substring_search_agrees_with_str_contains() {
        for (h, n) in [
            ("operations", "operation"),
            ("ops", "operation"),
            ("strategy", "strateg"),
            ("", "x"),
            ("x", ""),
            ("régional logistics", "logistics"),
            ("aaab", "aab"),
        ] {
            assert_eq!(contains(h, n), h.contains(n), "{h:?} / {n:?}");
        }
    }

    #[test]
    fn ranges_are_half_open() {
        let r = Range {
            min: Some(10.0),
            below: Some(50.0),
        };
        assert!(r.contains(10.0) && r.contains(49.0) && !r.contains(50.0) && !r.contains(9.0));
    }
}
