//! The knowledge base as plain data: what the TOML file says, entry by entry, with
//! nothing derived. [`super::KnowledgeBase`] owns a validated `Model` together with its
//! compiled parts and gives read-only access to it, so nothing can change an entry after
//! the indexes over it are built.

use crate::condition::Condition;
use crate::ids::{Engagement, RoleId, Verdict};
use crate::points::Points;
use serde::{Deserialize, Serialize};

/// Every section of a knowledge base.
#[derive(Clone, Debug)]
pub struct Model {
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
    /// Example texts for signs and responsibility areas, which the semantic reader
    /// compares people's words with.
    pub exemplars: Vec<Exemplars>,
    /// How the CEO's free strength and gap tags are read into capability areas that
    /// conditions name (`ceo_gap_areas`, `ceo_strength_areas`).
    pub ceo_tags: CeoTags,
    /// Checks on the inputs: when a check's condition holds, the report carries its
    /// note (something assumed, or inputs that look inconsistent).
    pub checks: Vec<Check>,
}

/// A check on a profile's inputs, reported as a note when its condition holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Id (`checks.revenue_per_person_low`).
    pub id: String,
    /// `assumed` or `inconsistent`.
    pub kind: crate::assessment::NoteKind,
    /// When it applies (a condition that names nothing always applies).
    pub when: Condition,
    /// What the report says: what to check, and why.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// How a CEO's free tags ("cash flow", "ops", "vision") are read: each tag falls into at
/// most one capability area, by meaning when a text model is attached (its nearest
/// example, if similar enough) and otherwise by the area's words.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeoTags {
    /// The capability areas, in the order ties are broken.
    #[serde(default)]
    pub areas: Vec<CeoArea>,
    /// Example tags that name none of the areas ("sales", "public speaking"): a tag
    /// nearest to one of these is read as no area.
    #[serde(default)]
    pub other: Vec<String>,
    /// A tag is read by meaning only when its nearest example is at least this similar
    /// (cosine, −1–1); below it, the words decide.
    #[serde(default = "default_tag_similarity")]
    pub min_similarity: f32,
    /// Why.
    #[serde(default)]
    pub why: String,
    /// Source id.
    #[serde(default = "own_choice")]
    pub source: String,
}

fn default_tag_similarity() -> f32 {
    0.5
}

fn own_choice() -> String {
    super::OWN_CHOICE.to_string()
}

/// One capability area a CEO's tag can name.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeoArea {
    /// Id (`operations`), named by conditions.
    pub id: String,
    /// The words a report uses for it ("operations").
    pub label: String,
    /// Words that recognise it in a tag, matched at the start of the tag's words and in
    /// order for several words ("strateg" matches "strategic"; "operation" does not match
    /// "cooperation").
    pub words: Vec<String>,
    /// Example tags, for reading by meaning.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// Example texts for one sign or responsibility area: how people say that it is there
/// (`present`) and, for a sign, how they say that it is not (`absent`: solved, denied
/// or never a concern), in several voices. Exactly one of `sign`, `area`,
/// `neutral = true` and `no_seat = true` is given.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemplars {
    /// The sign these texts are examples of.
    #[serde(default)]
    pub sign: Option<String>,
    /// The responsibility area these texts are examples of.
    #[serde(default)]
    pub area: Option<String>,
    /// True for texts that show no sign at all: the filler around a founder's real
    /// problems, which the reader must learn to pass over.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub neutral: bool,
    /// True for responsibility lines that belong to none of the seats (specialist or
    /// front-line work: closing sales, writing code, treating patients), which the
    /// ownership audit must learn to leave without a seat.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_seat: bool,
    /// Texts that show it.
    pub present: Vec<String>,
    /// Texts on its topic that say it is absent or solved (signs only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
    /// Source id (`nextseat`: the examples are the method's own wording).
    pub source: String,
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
    /// How the semantic reader decides (when a text model is installed).
    #[serde(default)]
    pub reader: ReaderRules,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

/// The semantic reader's decision rules (see `text::semantic`). The values are the
/// method's own, chosen by measurement on the tuning sets (BENCHMARKS.md says which).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReaderRules {
    /// A unit shows a sign when the sign is its most probable class at this probability
    /// or above (0–1).
    pub threshold: f32,
    /// A phrase the lexical matcher finds is counted only if the semantic reader gives
    /// its sign at least this probability somewhere in the text (0–1).
    pub lexical_gate: f32,
    /// Inverse strength of the decision layer's regularisation (larger: follows the
    /// exemplars more closely).
    pub regularisation: f64,
    /// A unit read as "none" is reported as resolved when an absent exemplar is at
    /// least this similar (cosine, −1–1).
    pub resolved_similarity: f32,
    /// How many nearest area exemplars vote on a responsibility line.
    pub neighbours: usize,
    /// A responsibility line less similar than this to every area exemplar is "not
    /// recognised" (cosine).
    pub area_min_similarity: f32,
    /// A unit at least this similar (cosine) to one narrative exemplar reads as that
    /// exemplar says: its sign present, its sign absent, or no sign. So an exemplar a
    /// consultancy adds decides the texts that say the same thing, whatever the
    /// decision layer learnt from all the others. Above 1: never.
    pub exemplar_match: f32,
}

impl Default for ReaderRules {
    fn default() -> ReaderRules {
        ReaderRules {
            threshold: 0.38,
            lexical_gate: 0.15,
            regularisation: 4.0,
            resolved_similarity: 0.6,
            neighbours: 9,
            area_min_similarity: 0.3,
            exemplar_match: 0.75,
        }
    }
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

/// Ownership-audit rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnershipRules {
    /// The CEO is overloaded when owning at least this many operational responsibilities.
    pub ceo_overload_min: u32,
    /// ... or when owning at least this many responsibilities of any kind ...
    #[serde(default = "default_overload_lines")]
    pub ceo_overload_lines: u32,
    /// ... that are at least this share (0–1) of all the responsibilities somebody owns.
    #[serde(default = "default_overload_share")]
    pub ceo_overload_share: f64,
    /// Owner names that mean the CEO when no role column says otherwise (compared as
    /// whole words, ignoring case): "Founder & CEO", "Managing Director".
    #[serde(default = "default_ceo_titles")]
    pub ceo_titles: Vec<String>,
    /// The sign an overloaded CEO contributes.
    pub ceo_overload_sign: String,
    /// The sign that responsibilities with two or more owners contribute.
    pub overlap_sign: String,
    /// Why.
    pub why: String,
    /// Source id.
    pub source: String,
}

fn default_overload_lines() -> u32 {
    5
}

fn default_overload_share() -> f64 {
    0.5
}

fn default_ceo_titles() -> Vec<String> {
    [
        "ceo",
        "chief executive",
        "founder",
        "co-founder",
        "cofounder",
        "managing director",
        "owner",
    ]
    .map(String::from)
    .to_vec()
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

/// The smallest company a seat makes sense in: below it, a `hire_now` is held back to
/// `plan_next`, with this reason.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// The fewest employees for which the seat is recommended now.
    pub min_employees: u32,
    /// Why.
    pub why: String,
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
    /// The smallest company the seat is recommended now in (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
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
        self.weight_opt(seat).unwrap_or(Points::ZERO)
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

/// What is assumed when revenue is not given but the headcount speaks for itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeAssumption {
    /// From this headcount up, the assumption holds.
    pub from_employees: u32,
    /// The engagement assumed.
    pub engagement: Engagement,
    /// Why, said as an assumption the user can check.
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
    /// When revenue is not given and the company is large (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_revenue_large: Option<SizeAssumption>,
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
