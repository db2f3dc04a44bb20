//! The result of an assessment, with its explanation, as one typed value.
//!
//! JSON, text, Markdown and HTML are all renderings of this value; nothing a reader sees
//! is computed anywhere else. The JSON shape is the contract's `assess --format json`
//! (extended, never changed).

use crate::ids::{Engagement, Origin, RoleId, Verdict};
use crate::points::Points;
use serde::{Deserialize, Serialize};

/// The current JSON schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// A complete assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The company, as the engine classified it.
    pub company: CompanySummary,
    /// Every sign taken into account, once each.
    pub signs: Vec<SignHit>,
    /// One need per seat, highest score first.
    pub needs: Vec<Need>,
    /// The highest-scoring seat to fill now, if any.
    pub primary: Option<RoleId>,
    /// The sequence in which to fill the needed seats.
    pub roadmap: Vec<Step>,
    /// The COO archetypes ranked, whenever a COO is recommended.
    pub coo_archetype: Option<ArchetypeRanking>,
    /// The knowledge base that produced this result.
    pub method: Method,
    /// The founder's objectives and own words, as given, for the report to quote (absent
    /// when the profile gives none).
    #[serde(default, skip_serializing_if = "Context::is_empty")]
    pub context: Context,
    /// How each of the CEO's strength and gap tags was read (empty when none are given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ceo_tags: Vec<CeoTag>,
    /// What the method assumed, and what in the inputs looks inconsistent: things to
    /// check before acting on the result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// What the founder said they want and how they put it, quoted by the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Short-term objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub short_term: Vec<String>,
    /// Long-term objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub long_term: Vec<String>,
    /// The narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

impl Context {
    /// Whether there is nothing to quote.
    pub fn is_empty(&self) -> bool {
        self.short_term.is_empty() && self.long_term.is_empty() && self.narrative.is_none()
    }
}

/// Whether a CEO tag is a strength or a gap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagKind {
    /// Listed under `ceo_strengths`.
    Strength,
    /// Listed under `ceo_gaps`.
    Gap,
}

/// One of the CEO's tags and the capability area it was read as.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CeoTag {
    /// The tag as written.
    pub tag: String,
    /// Strength or gap.
    pub kind: TagKind,
    /// The capability area id (`[[ceo_tags.areas]]`), or none.
    pub area: Option<String>,
    /// How it was read.
    pub read: TagRead,
}

/// How a CEO tag was read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum TagRead {
    /// The tag is one of the knowledge base's example tags (any case).
    Example {
        /// The example.
        example: String,
    },
    /// One of the area's words starts a word of the tag.
    Words {
        /// The knowledge base's word.
        word: String,
    },
    /// The text model found this example nearest (an area's, or one naming no area).
    Meaning {
        /// The nearest example tag.
        exemplar: String,
        /// Their cosine similarity (three decimals).
        similarity: f64,
    },
    /// Neither the words nor the model recognised it; it counts only as "a gap is named".
    Unmatched,
}

/// What a note says about the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The method filled in something the inputs did not say.
    Assumed,
    /// Two inputs disagree, or a value is implausible.
    Inconsistent,
}

/// Something to check before acting on the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Assumed or inconsistent.
    pub kind: NoteKind,
    /// The knowledge-base rule that wrote it (`checks.tiny_revenue_per_person`).
    pub rule: String,
    /// What to check, in words.
    pub text: String,
    /// Source id of the rule.
    pub source: String,
}

/// The knowledge base behind a result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// KB name.
    pub kb_name: String,
    /// KB version.
    pub kb_version: String,
}

/// The company, as classified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompanySummary {
    /// Name, when given.
    pub name: Option<String>,
    /// Headcount.
    pub employees: u32,
    /// Revenue, when given.
    pub annual_revenue_usd: Option<f64>,
    /// Size band id.
    pub size_band: String,
    /// Revenue band id, or `unknown`.
    pub revenue_band: String,
}

/// The semantic reader's account of a finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meaning {
    /// `phrase` (a phrase matched and the reader agreed) or `meaning` (the reader alone).
    pub by: String,
    /// The probability the reader gave the sign in its unit (0–1, three decimals).
    pub probability: f64,
    /// The sign's exemplar nearest to the unit.
    pub exemplar: String,
    /// Their cosine similarity (three decimals).
    pub similarity: f64,
}

/// A sign taken into account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignHit {
    /// Sign id.
    pub id: String,
    /// Where it came from.
    pub origin: Origin,
    /// The phrase that triggered it (narrative), or the event that implied it.
    pub evidence: Option<String>,
    /// For a narrative sign read with a text model: how the semantic reader read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<Meaning>,
}

/// The need for one seat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Need {
    /// The seat.
    pub role: RoleId,
    /// 0–100; exactly the sum of `evidence[].contribution`.
    pub score: Points,
    /// The advice.
    pub verdict: Verdict,
    /// How to engage the seat; `None` unless `hire_now` or `plan_next`.
    pub engagement: Option<Engagement>,
    /// Every contribution to the score, in the order they were added.
    pub evidence: Vec<Evidence>,
    /// The rule that gave the verdict.
    pub verdict_reason: Reason,
    /// The rule that gave the engagement.
    pub engagement_reason: Option<Reason>,
}

/// What kind of knowledge-base entry an evidence line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A sign.
    Sign,
    /// An event.
    Event,
    /// A context factor.
    Context,
    /// The score bound (floor or cap).
    Bound,
}

/// One line of a need's arithmetic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The KB id: a sign, event or factor id, or `bound.cap` / `bound.floor`.
    pub factor: String,
    /// What kind of entry it is.
    pub kind: EvidenceKind,
    /// Points added (may be negative).
    pub contribution: Points,
    /// The article (or `nextseat`) behind the entry.
    pub source: String,
    /// The entry's label.
    pub label: String,
    /// How the sign was found, for sign lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// The rule behind a decision, in words, with its KB entry and source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The KB entry (`verdicts[0]`, `layering`, `engagement.lean_budget`…).
    pub rule: String,
    /// The explanation.
    pub text: String,
    /// The article (or `nextseat`).
    pub source: String,
}

/// One step of the roadmap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// 1-based.
    pub step: u32,
    /// The seat.
    pub role: RoleId,
    /// How to engage it.
    pub engagement: Engagement,
    /// `now`, or the condition in words.
    pub trigger: String,
    /// Why this seat, at this point.
    pub reason: String,
}

/// The COO archetypes, ranked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArchetypeRanking {
    /// The best-fitting archetype id.
    pub best: String,
    /// All archetypes, best first.
    pub ranked: Vec<ArchetypeScore>,
}

/// One archetype's fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArchetypeScore {
    /// Archetype id.
    pub archetype: String,
    /// 0–100: the sum of the rules that held, capped.
    pub score: Points,
    /// The reasons of the rules that held.
    pub reasons: Vec<String>,
}

impl SignHit {
    /// A sign found by `origin`, with the evidence that found it.
    pub fn new(id: &str, origin: Origin, evidence: Option<&str>) -> SignHit {
        SignHit {
            id: id.to_string(),
            origin,
            evidence: evidence.map(str::to_string),
            meaning: None,
        }
    }
}

impl Assessment {
    /// The need for `role`.
    pub fn need(&self, role: RoleId) -> Option<&Need> {
        self.needs.iter().find(|n| n.role == role)
    }
}
