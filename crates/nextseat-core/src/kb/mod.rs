//! The knowledge base: the whole method as data.
//!
//! The default knowledge base (`kb/default.toml` at the repository root) is compiled into
//! the crate as [`DEFAULT_KB`]; a consultancy may load its own with [`KnowledgeBase::parse`].
//! Loading validates everything the engine relies on and reports every problem at once
//! (see [`validate`]): the engine itself never re-checks and never fails.
//!
//! Every fact carries the file name of the article it comes from, or `nextseat` where the
//! articles are silent and the value is the method's own choice.

mod load;
mod validate;

use crate::condition::Condition;
use crate::ids::{Engagement, RoleId, Verdict};
use crate::points::Points;
use serde::{Deserialize, Serialize};

/// The default knowledge base, embedded in every build.
pub const DEFAULT_KB: &str = include_str!("../../../../kb/default.toml");

/// The source id for values that are the method's own choice, not an article's.
pub const OWN_CHOICE: &str = "nextseat";

/// A validated knowledge base.
#[derive(Clone, Debug)]
pub struct KnowledgeBase {
    /// Name and version.
    pub meta: Meta,
    /// The articles (and `nextseat`) that entries may cite.
    pub sources: Vec<Source>,
    /// The five roles, in file order.
    pub roles: Vec<Role>,
    /// Skills used by role requirements.
    pub skills: Vec<Skill>,
    /// Signs of need.
    pub signs: Vec<Sign>,
    /// Strategic events.
    pub events: Vec<Event>,
    /// Context factors: conditions on the profile with weights.
    pub factors: Vec<Factor>,
    /// Score bounds.
    pub scoring: Scoring,
    /// Verdict bands over the score.
    pub verdicts: Vec<VerdictBand>,
    /// Company size bands over headcount.
    pub size_bands: Vec<SizeBand>,
    /// Revenue bands with their engagement.
    pub revenue_bands: Vec<RevenueBand>,
    /// Engagement rules.
    pub engagement: EngagementRules,
    /// The rule that keeps new executive hires one at a time.
    pub layering: Layering,
    /// Roadmap timing.
    pub roadmap: RoadmapRules,
    /// The COO archetypes.
    pub archetypes: Vec<Archetype>,
    /// Candidate-fit rules.
    pub fit: FitRules,
    /// Ownership-audit rules.
    pub ownership: OwnershipRules,
    /// Responsibility areas per seat, with the words that recognise them.
    pub responsibility_areas: Vec<ResponsibilityArea>,
    /// How narratives are read.
    pub narrative: NarrativeRules,
    /// The interview's wording, one entry per profile field it covers (optional: a
    /// field without an entry is asked by its key, with no help).
    pub interview: Vec<Question>,
    /// The compiled narrative matcher, built on first use.
    pub(crate) matcher: std::sync::OnceLock<std::sync::Arc<crate::text::narrative::Matcher>>,
    /// The compiled responsibility classifier, built on first use.
    pub(crate) classifier: std::sync::OnceLock<std::sync::Arc<crate::ownership::Classifier>>,
    /// The conditions of factors, archetype rules and layering, compiled on first use.
    pub(crate) conditions: std::sync::OnceLock<std::sync::Arc<Conditions>>,
    /// Sign and event ids to their positions, built on load (a knowledge base is not
    /// changed after loading).
    pub(crate) index: Index,
}

/// Every condition of a knowledge base, compiled ([`Condition::compile`]).
#[derive(Debug)]
pub struct Conditions {
    /// By factor index.
    pub factors: Vec<crate::condition::Compiled>,
    /// By archetype index, then rule index.
    pub archetype_rules: Vec<Vec<crate::condition::Compiled>>,
    /// The layering rule's alternatives.
    pub layering: Vec<crate::condition::Compiled>,
    /// The words of every case-insensitive test above, numbered.
    pub needles: crate::condition::Needles,
    /// The numbering of bands and events the tests above were indexed by.
    pub layout: crate::condition::Layout,
}

/// The revenue band of a profile that does not give its revenue.
pub const UNKNOWN_REVENUE: &str = "unknown";

/// Ids to positions, for lookups on the hot path of an assessment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    signs: rustc_hash::FxHashMap<String, usize>,
    events: rustc_hash::FxHashMap<String, usize>,
    /// By event index: the signs it implies, by index (unknown ids left out; validation
    /// reports them).
    implied: Vec<Vec<usize>>,
}

impl Index {
    /// Indexes the signs and events; the first entry wins for a repeated id (which
    /// validation reports).
    pub(crate) fn new(signs: &[Sign], events: &[Event]) -> Index {
        let mut index = Index::default();
        for (i, s) in signs.iter().enumerate() {
            index.signs.entry(s.id.clone()).or_insert(i);
        }
        for (i, e) in events.iter().enumerate() {
            index.events.entry(e.id.clone()).or_insert(i);
        }
        index.implied = events
            .iter()
            .map(|e| {
                e.implies
                    .iter()
                    .filter_map(|s| index.signs.get(s).copied())
                    .collect()
            })
            .collect();
        index
    }
}

/// How narratives are read: synonyms, negation and clause breaks.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeRules {
    /// Most words allowed between two neighbouring words of a phrase.
    pub max_gap: u32,
    /// How many words before a match a negator still negates it.
    pub negation_window: u32,
    /// Words that negate a match inside or just before it.
    pub negators: Vec<String>,
    /// Words or phrases that mark a clause's problem as resolved.
    pub resolved: Vec<String>,
    /// Words that start a new clause (contrast).
    pub clause_breaks: Vec<String>,
    /// Groups of interchangeable words; the first is the one phrases are written with.
    pub synonyms: Vec<Vec<String>>,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// How the terminal interview asks for one profile field: our words (or a
/// consultancy's), so the questions can be reworded without touching code.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The profile key it asks for, as `table.key` (`company.employees`); see
    /// [`crate::ProfileField`].
    pub field: String,
    /// The question. For `situation.signs`, asked once per seat, it must contain
    /// `{seat}`, which becomes the seat's name.
    pub prompt: String,
    /// Plain-words help shown under the question.
    #[serde(default)]
    pub help: Option<String>,
    /// Source id.
    pub source: String,
}

/// The words the interview uses for one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wording<'a> {
    /// The question.
    pub prompt: &'a str,
    /// Help under the question, if any.
    pub help: Option<&'a str>,
}

/// Ownership-audit rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnershipRules {
    /// The CEO is overloaded when owning at least this many operational responsibilities.
    pub ceo_overload_min: u32,
    /// The sign an overloaded CEO contributes.
    pub ceo_overload_sign: String,
    /// The sign that responsibilities with two or more owners contribute.
    pub overlap_sign: String,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// A responsibility area of a seat.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsibilityArea {
    /// Id (`coo.budgets`).
    pub id: String,
    /// The seat that should own it.
    pub seat: RoleId,
    /// Label.
    pub label: String,
    /// Whether a company is expected to have someone own it.
    pub core: bool,
    /// Words and phrases that recognise it (stemmed; a phrase needs all its words).
    pub words: Vec<String>,
    /// The sign an unowned responsibility in this area contributes.
    pub gap_sign: Option<String>,
    /// Source id.
    pub source: String,
}
/// Candidate-fit rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitRules {
    /// A candidate fits a seat at this score or above (0-100).
    pub fits_min: f64,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// Name and version of a knowledge base.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Human name.
    pub name: String,
    /// Version string, shown in reports.
    pub version: String,
    /// What the knowledge base is.
    #[serde(default)]
    pub description: String,
}

/// A citable source.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The file name of the article, or `nextseat`.
    pub id: String,
    /// Title.
    pub title: String,
    /// What the source contributes.
    #[serde(default)]
    pub note: String,
}

/// A sentence and the source it comes from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// The fact, in our words.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// A role with everything the articles say about it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Contract id.
    pub id: RoleId,
    /// Full title.
    pub name: String,
    /// Abbreviation.
    pub short_name: String,
    /// Whether it is an executive seat.
    pub executive: bool,
    /// One-paragraph summary.
    pub summary: Fact,
    /// Focus area.
    pub focus: Fact,
    /// The question the role asks.
    pub primary_question: Fact,
    /// What the role brings.
    pub outcome: Fact,
    /// Responsibilities.
    pub responsibilities: Vec<Fact>,
    /// Scope of influence.
    pub scope: Fact,
    /// Strategic involvement.
    pub strategic_involvement: Fact,
    /// Time horizon.
    pub time_horizon: Fact,
    /// Skill requirements (level 0–5 and weight).
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// Further notes (relationships to other roles, asymmetries).
    #[serde(default)]
    pub notes: Vec<Fact>,
    /// Seats whose work someone who fits this seat can also cover (article 002: a COO
    /// can do an Implementer's work; the reverse does not follow).
    #[serde(default)]
    pub can_cover: Vec<Cover>,
}

/// A seat another seat's holder can also cover, and why.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// The seat that can be covered.
    pub role: RoleId,
    /// Why, in our words.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// A skill a role requires, at a level 0–5, with a relative weight.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Skill id.
    pub skill: String,
    /// Required level, 0–5.
    pub level: u8,
    /// Relative weight (> 0).
    pub weight: f64,
    /// Source id.
    pub source: String,
}

/// A skill.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Source id.
    pub source: String,
}

/// Points towards each seat. Absent means zero.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Towards the CSO.
    pub cso: Option<Points>,
    /// Towards the COO.
    pub coo: Option<Points>,
    /// Towards the Chief of Staff.
    pub chief_of_staff: Option<Points>,
    /// Towards the Implementer.
    pub implementer: Option<Points>,
}

impl Weights {
    /// The weights towards the four seats, in [`RoleId::SEATS`] order.
    pub fn seats(&self) -> [Points; 4] {
        let z = |w: Option<Points>| w.unwrap_or(Points::ZERO);
        [
            z(self.cso),
            z(self.coo),
            z(self.chief_of_staff),
            z(self.implementer),
        ]
    }

    /// The weight towards `seat` (zero when absent or for the CEO).
    pub fn get(&self, seat: RoleId) -> Points {
        match seat {
            RoleId::Cso => self.cso,
            RoleId::Coo => self.coo,
            RoleId::ChiefOfStaff => self.chief_of_staff,
            RoleId::Implementer => self.implementer,
            RoleId::Ceo => None,
        }
        .unwrap_or(Points::ZERO)
    }

    /// The seats with a weight, and the weight.
    pub fn entries(&self) -> impl Iterator<Item = (RoleId, Points)> + '_ {
        RoleId::SEATS
            .into_iter()
            .filter_map(|s| self.weight_opt(s).map(|w| (s, w)))
    }

    fn weight_opt(&self, seat: RoleId) -> Option<Points> {
        match seat {
            RoleId::Cso => self.cso,
            RoleId::Coo => self.coo,
            RoleId::ChiefOfStaff => self.chief_of_staff,
            RoleId::Implementer => self.implementer,
            RoleId::Ceo => None,
        }
    }
}

/// A sign that a seat is needed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sign {
    /// Id (`coo.firefighting`).
    pub id: String,
    /// The seat the sign points to first.
    pub seat: RoleId,
    /// Short label.
    pub label: String,
    /// Plain-words explanation for a founder.
    pub explain: String,
    /// Why it weighs as it does.
    pub why: String,
    /// Source id.
    pub source: String,
    /// Points towards seats (never negative: a sign can only raise a need).
    pub weights: Weights,
    /// Phrases that recognise the sign in a narrative (words in order; stemmed).
    #[serde(default)]
    pub phrases: Vec<String>,
}

/// A strategic event.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Id (`rapid_expansion`).
    pub id: String,
    /// Short label.
    pub label: String,
    /// Plain-words explanation.
    pub explain: String,
    /// Why it weighs as it does.
    pub why: String,
    /// Source id.
    pub source: String,
    /// Points towards seats.
    #[serde(default)]
    pub weights: Weights,
    /// Signs this event implies (added with origin `event`).
    #[serde(default)]
    pub implies: Vec<String>,
}

/// A context factor: when the condition holds, its weights are added.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// Id (`context.high_operational_intensity`).
    pub id: String,
    /// Short label.
    pub label: String,
    /// Why it weighs as it does.
    pub why: String,
    /// Source id.
    pub source: String,
    /// When it applies.
    #[serde(default)]
    pub when: Condition,
    /// Points towards seats (may be negative).
    pub weights: Weights,
}

/// Score bounds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Lowest score (a raw sum below it gets a `bound.floor` line).
    pub min: Points,
    /// Highest score (a raw sum above it gets a `bound.cap` line).
    pub max: Points,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// A verdict band `[min, below)` over the score.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictBand {
    /// The verdict.
    pub verdict: Verdict,
    /// Lowest score in the band.
    pub min: f64,
    /// First score above the band; absent = no upper end.
    pub below: Option<f64>,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// A size band `[min, below)` over headcount.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeBand {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Lowest headcount in the band.
    pub min: u32,
    /// First headcount above the band; absent = no upper end.
    pub below: Option<u32>,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// A revenue band `[min, below)` with the engagement it calls for.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevenueBand {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Lowest revenue in the band (USD).
    pub min: f64,
    /// First revenue above the band; absent = no upper end.
    pub below: Option<f64>,
    /// Engagement for executive seats (`fractional` or `full_time`).
    pub engagement: Engagement,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// A rule that sets an engagement.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementRule {
    /// The engagement it sets.
    pub engagement: Engagement,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// The small-company rule: below this headcount, never a full-time executive.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmallCompanyRule {
    /// Headcount below which executives are fractional.
    pub below_employees: u32,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// How engagement is decided.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementRules {
    /// When revenue is not given.
    pub unknown_revenue: EngagementRule,
    /// A lean budget caps executives at this engagement.
    pub lean_budget: EngagementRule,
    /// Very small companies.
    pub small_company: SmallCompanyRule,
    /// The Implementer is always staff.
    pub implementer: EngagementRule,
}

/// Keeps new executive hires to a few at a time when a condition holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layering {
    /// How many executive seats may be `hire_now` at once.
    pub max_executive_hire_now: u32,
    /// The rule applies when any of these conditions holds.
    pub when_any: Vec<Condition>,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// Roadmap timing.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapRules {
    /// Months after the previous step before a layered seat.
    pub layer_after_months: u32,
    /// Months before a `plan_next` seat.
    pub plan_next_after_months: u32,
    /// Headcount milestones used as triggers.
    pub headcount_milestones: Vec<u32>,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// A COO archetype.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archetype {
    /// Id (`mentor`).
    pub id: String,
    /// Name.
    pub name: String,
    /// What the archetype is.
    pub summary: Fact,
    /// Where it is typically found.
    pub typical: Fact,
    /// Rules that favour it.
    pub rules: Vec<ArchetypeRule>,
}

/// A rule favouring an archetype.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchetypeRule {
    /// When it applies.
    pub when: Condition,
    /// Points it adds (the archetype's score is their sum, capped at 100).
    pub points: Points,
    /// The reason shown to the reader.
    pub reason: String,
    /// Source id.
    pub source: String,
}

impl KnowledgeBase {
    /// Parses and validates a knowledge base, reporting every problem found.
    pub fn parse(src: &str) -> Result<KnowledgeBase, crate::diag::Diagnostics> {
        load::parse(src)
    }

    /// The embedded default knowledge base.
    ///
    /// # Panics
    /// Never in a released build: the default is validated by the test suite.
    pub fn default_kb() -> KnowledgeBase {
        match KnowledgeBase::parse(DEFAULT_KB) {
            Ok(kb) => kb,
            Err(e) => panic!("the embedded default knowledge base is invalid: {e}"),
        }
    }

    /// The role with this id (always present after validation).
    pub fn role(&self, id: RoleId) -> &Role {
        self.roles
            .iter()
            .find(|r| r.id == id)
            .unwrap_or(&self.roles[0])
    }

    /// The narrative matcher for this knowledge base (compiled once, on first use).
    pub fn matcher(&self) -> &crate::text::narrative::Matcher {
        self.matcher
            .get_or_init(|| std::sync::Arc::new(crate::text::narrative::Matcher::new(self)))
    }

    /// The responsibility classifier for this knowledge base (compiled once).
    pub fn classifier(&self) -> &crate::ownership::Classifier {
        self.classifier
            .get_or_init(|| std::sync::Arc::new(crate::ownership::Classifier::new(self)))
    }

    /// Every condition, compiled (once, on first use).
    pub fn conditions(&self) -> &Conditions {
        self.conditions.get_or_init(|| {
            let mut factors: Vec<_> = self.factors.iter().map(|f| f.when.compile()).collect();
            let mut archetype_rules: Vec<Vec<_>> = self
                .archetypes
                .iter()
                .map(|a| a.rules.iter().map(|r| r.when.compile()).collect())
                .collect();
            let mut layering: Vec<_> = self
                .layering
                .when_any
                .iter()
                .map(Condition::compile)
                .collect();
            let needles = crate::condition::Needles::index(
                factors
                    .iter_mut()
                    .chain(archetype_rules.iter_mut().flatten())
                    .chain(layering.iter_mut()),
            );
            let layout = crate::condition::Layout::new(
                self.size_bands.iter().map(|b| b.id.as_str()),
                self.revenue_bands.iter().map(|b| b.id.as_str()),
                self.events.iter().map(|e| e.id.as_str()),
            );
            layout.index(
                factors
                    .iter_mut()
                    .chain(archetype_rules.iter_mut().flatten())
                    .chain(layering.iter_mut()),
            );
            std::sync::Arc::new(Conditions {
                factors,
                archetype_rules,
                layering,
                needles,
                layout,
            })
        })
    }

    /// Finds the signs in a founder's narrative.
    pub fn diagnose(&self, text: &str) -> crate::text::narrative::Diagnosis {
        self.matcher().diagnose(self, text)
    }

    /// How the interview asks for `field`: this knowledge base's `[[interview]]` entry,
    /// or, when it has none, the field's key as the question and no help.
    pub fn wording(&self, field: crate::ProfileField) -> Wording<'_> {
        let key = field.key();
        match self.interview.iter().find(|q| q.field == key) {
            Some(q) => Wording {
                prompt: &q.prompt,
                help: q.help.as_deref().filter(|h| !h.trim().is_empty()),
            },
            None => Wording {
                prompt: key,
                help: None,
            },
        }
    }

    /// The sign with this id.
    pub fn sign(&self, id: &str) -> Option<&Sign> {
        self.sign_index(id).and_then(|i| self.signs.get(i))
    }

    /// The index of the sign with this id.
    pub fn sign_index(&self, id: &str) -> Option<usize> {
        self.index.signs.get(id).copied()
    }

    /// The index of the event with this id.
    pub fn event_index(&self, id: &str) -> Option<usize> {
        self.index.events.get(id).copied()
    }

    /// The indices of the signs the event at index `event` implies, in its `implies`
    /// order.
    pub fn implied_signs(&self, event: usize) -> &[usize] {
        self.index.implied.get(event).map_or(&[], Vec::as_slice)
    }

    /// The event with this id.
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.event_index(id).and_then(|i| self.events.get(i))
    }

    /// The skill with this id.
    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.id == id)
    }

    /// The archetype with this id.
    pub fn archetype(&self, id: &str) -> Option<&Archetype> {
        self.archetypes.iter().find(|a| a.id == id)
    }

    /// The size band containing `employees` (bands cover every headcount after validation).
    pub fn size_band(&self, employees: u32) -> &SizeBand {
        &self.size_bands[self.size_band_index(employees)]
    }

    /// The position of [`KnowledgeBase::size_band`] among the size bands.
    pub fn size_band_index(&self, employees: u32) -> usize {
        band_of(&self.size_bands, employees, |b| (b.min, b.below))
    }

    /// The revenue band containing `revenue` (bands cover every revenue after validation).
    pub fn revenue_band(&self, revenue: f64) -> &RevenueBand {
        &self.revenue_bands[self.revenue_band_index(revenue)]
    }

    /// The position of [`KnowledgeBase::revenue_band`] among the revenue bands.
    pub fn revenue_band_index(&self, revenue: f64) -> usize {
        band_of(&self.revenue_bands, revenue, |b| (b.min, b.below))
    }

    /// The verdict band containing `score`.
    pub fn verdict_band(&self, score: Points) -> &VerdictBand {
        &self.verdicts[self.verdict_band_index(score)]
    }

    /// The position of [`KnowledgeBase::verdict_band`] among the verdict bands.
    pub fn verdict_band_index(&self, score: Points) -> usize {
        band_of(&self.verdicts, score.as_f64(), |b| (b.min, b.below))
    }
}

/// The position of the first band `[min, below)` that holds `v`, or 0 (validation proves
/// the bands cover every value, and that there is at least one).
fn band_of<B, T: PartialOrd + Copy>(
    bands: &[B],
    v: T,
    range: impl Fn(&B) -> (T, Option<T>),
) -> usize {
    bands
        .iter()
        .position(|b| {
            let (min, below) = range(b);
            v >= min && below.is_none_or(|x| v < x)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_kb_is_valid() {
        if let Err(e) = KnowledgeBase::parse(DEFAULT_KB) {
            let lines: Vec<String> = e.0.iter().map(|d| d.render("default.toml")).collect();
            panic!("default KB invalid:\n{}", lines.join("\n"));
        }
    }

    #[test]
    fn default_kb_words_every_interview_question() {
        let kb = KnowledgeBase::default_kb();
        for f in crate::ProfileField::ALL {
            let w = kb.wording(f);
            assert_ne!(w.prompt, f.key(), "no [[interview]] entry for {}", f.key());
            assert!(w.help.is_some(), "no help for {}", f.key());
        }
    }

    #[test]
    fn thousands_of_problems_are_listed_up_to_the_cap_and_counted() {
        // Every sign gets an unknown seat: one problem each, many signs.
        let mut src = DEFAULT_KB.to_string();
        for i in 0..2_000 {
            src.push_str(&format!(
                "\n[[signs]]\nid = \"x.s{i}\"\nseat = \"cfo\"\nlabel = \"l\"\nexplain = \"e\"\nwhy = \"w\"\nsource = \"nextseat\"\nweights = {{ cso = 1 }}\nphrases = []\n"
            ));
        }
        let e = KnowledgeBase::parse(&src).expect_err("invalid");
        assert_eq!(e.0.len(), crate::diag::MAX_LISTED + 1);
        assert!(
            e.0[0].position.is_some_and(|p| p.line > 1_000),
            "{:?}",
            e.0[0]
        );
        let last = &e.0[crate::diag::MAX_LISTED].message;
        assert!(
            last.starts_with("and ") && last.ends_with("more problems not listed: fix these first"),
            "{last}"
        );
    }

    fn without_interview() -> &'static str {
        let cut = DEFAULT_KB
            .find("\n[[interview]]")
            .expect("the default has [[interview]]");
        &DEFAULT_KB[..cut]
    }

    #[test]
    fn a_knowledge_base_without_interview_entries_is_valid() {
        let kb = KnowledgeBase::parse(without_interview()).expect("valid without [[interview]]");
        assert!(kb.interview.is_empty());
        let w = kb.wording(crate::ProfileField::Signs);
        assert_eq!(w.prompt, "situation.signs");
    }

    #[test]
    fn bad_interview_entries_are_each_reported_where_they_are() {
        let src = format!(
            "{}{}",
            without_interview(),
            r#"
[[interview]]
field = "company.employes"
prompt = "How many?"
source = "nextseat"

[[interview]]
field = "company.name"
prompt = "Name?"
source = "nextseat"

[[interview]]
field = "company.name"
prompt = "Name again?"
source = "nextseat"

[[interview]]
field = "situation.signs"
prompt = "Which signs?"
source = "nextseet"

[[interview]]
field = "company.market"
prompt = "  "
help = "For the {seat}"
source = "nextseat"
"#
        );
        let e = KnowledgeBase::parse(&src).expect_err("invalid");
        let has = |key: &str, needle: &str| {
            e.0.iter()
                .any(|d| d.key == key && d.message.contains(needle) && d.position.is_some())
        };
        let dump = format!("{e:#?}");
        assert!(has("interview[0].field", "unknown profile field"), "{dump}");
        assert_eq!(
            e.0.iter()
                .find(|d| d.key == "interview[0].field")
                .and_then(|d| d.suggestion.as_deref()),
            Some("company.employees")
        );
        assert!(has("interview[2].field", "a second entry"), "{dump}");
        assert!(has("interview[3].prompt", "{seat}"), "{dump}");
        assert!(has("interview[3].source", "unknown source"), "{dump}");
        assert!(has("interview[4].prompt", "must not be empty"), "{dump}");
        assert!(has("interview[4].help", "{seat}"), "{dump}");
        assert_eq!(e.0.len(), 6, "{dump}");

        let typo = format!(
            "{}\n[[interview]]\nfield = \"company.growth\"\npromt = \"Growth?\"\nsource = \"nextseat\"\n",
            without_interview()
        );
        let e = KnowledgeBase::parse(&typo).expect_err("invalid");
        assert!(
            e.0.iter().any(|d| d.key == "interview[0]"
                && d.message.contains("promt")
                && d.position.is_some()),
            "{e:#?}"
        );
    }

    #[test]
    fn a_field_without_an_interview_entry_is_asked_by_its_key() {
        let mut kb = KnowledgeBase::default_kb();
        kb.interview.clear();
        let w = kb.wording(crate::ProfileField::Employees);
        assert_eq!(w.prompt, "company.employees");
        assert_eq!(w.help, None);
    }
}
