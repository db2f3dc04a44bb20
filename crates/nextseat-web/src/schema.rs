//! Mirror types for the OpenAPI document: the profile a request sends and the
//! assessment a response carries, with every constraint the server enforces.
//!
//! The domain crate stays free of utoipa (it is pure), so these types copy its shapes
//! here. They are never constructed: they exist only to derive their schemas. Tests in
//! this module and in `tests/api.rs` hold them to the real types (the enumerations to
//! the core's ids, the constants to the core's limits, and every assessment the API
//! returns to the schema).
//!
//! Sign and event ids come from the knowledge base, which a consultancy can replace at
//! run time, so their enumerations and list lengths are filled in when the document is
//! served (see [`crate::openapi`]).
#![allow(dead_code)]

use nextseat_core::profile::MAX_TEXT;
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// What a free text may not contain: control characters other than tab, line feed and
/// carriage return (Unicode's `Cc` category, as the server checks with
/// `char::is_control`).
pub const TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// Free text: at most 20,000 characters, no control characters but tab, CR and LF.
pub struct FreeText;

impl PartialSchema for FreeText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_TEXT))
            .pattern(Some(TEXT_PATTERN))
            .description(Some(
                "Free text: at most 20,000 characters (Unicode scalar values), \
                 without control characters other than tab, line feed and carriage return.",
            ))
            .into()
    }
}

impl ToSchema for FreeText {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("FreeText")
    }
}

/// A role id (`ceo` is context only).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleId {
    /// The chief executive.
    Ceo,
    /// Chief Strategy Officer.
    Cso,
    /// Chief Operating Officer.
    Coo,
    /// Chief of Staff.
    ChiefOfStaff,
    /// Implementer (a staff role).
    Implementer,
}

/// A seat nextseat can recommend: every role but the CEO.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Seat {
    /// Chief Strategy Officer.
    Cso,
    /// Chief Operating Officer.
    Coo,
    /// Chief of Staff.
    ChiefOfStaff,
    /// Implementer (a staff role).
    Implementer,
}

/// How operationally intensive the business is.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Intensity {
    /// Light operations.
    Low,
    /// Ordinary operations (the default).
    Medium,
    /// Operationally intensive.
    High,
}

/// How contested the market is.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Market {
    /// Stable.
    Stable,
    /// Competitive (the default).
    Competitive,
    /// Hypercompetitive.
    Hypercompetitive,
}

/// The growth trend.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Growth {
    /// Falling.
    Shrinking,
    /// Little change.
    Flat,
    /// Ordinary growth (the default).
    Steady,
    /// Fast growth.
    Rapid,
}

/// What the company can spend on leadership.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// Tight.
    Lean,
    /// Ordinary (the default).
    Moderate,
    /// Generous.
    Ample,
}

/// The advice for a seat.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Fill the seat now.
    HireNow,
    /// Fill it next.
    PlanNext,
    /// No need yet.
    NotYet,
    /// Already on the team.
    AlreadyFilled,
}

/// How a seat is engaged.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Engagement {
    /// Part-time executive.
    Fractional,
    /// Full-time executive.
    FullTime,
    /// Staff hire (the Implementer).
    Staff,
}

/// Where a sign came from.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Listed in `situation.signs`.
    Declared,
    /// Found in the narrative.
    Narrative,
    /// Implied by an event.
    Event,
    /// Found by an ownership audit.
    Ownership,
}

/// What kind of knowledge-base entry an evidence line comes from.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A sign.
    Sign,
    /// An event.
    Event,
    /// A context factor.
    Context,
    /// The score's floor or cap.
    Bound,
}

/// A company profile: the contract's profile file, as JSON. Only `company.employees` is
/// required; unknown keys are refused everywhere.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Company facts.
    pub company: Company,
    /// The leadership team.
    #[schema(required = false)]
    pub leadership: Leadership,
    /// Signs, events, budget and the founder's own words.
    #[schema(required = false)]
    pub situation: Situation,
    /// Objectives.
    #[schema(required = false)]
    pub objectives: Objectives,
}

/// The company.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Company name.
    pub name: Option<FreeText>,
    /// Annual revenue in US dollars.
    #[schema(minimum = 0, exclusive_maximum = 1e15)]
    pub annual_revenue_usd: Option<f64>,
    /// Headcount. A number with no fractional part (`4.0`) is read as that whole number.
    #[schema(minimum = 1, maximum = 4_294_967_295_i64)]
    pub employees: i64,
    /// Industry, in the company's words.
    pub industry: Option<FreeText>,
    /// Default `medium`.
    #[schema(required = false)]
    pub operational_intensity: Intensity,
    /// Default `competitive`.
    #[schema(required = false)]
    pub market: Market,
    /// Default `steady`.
    #[schema(required = false)]
    pub growth: Growth,
}

/// The leadership team.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Leadership {
    /// Roles already on the team (default `["ceo"]`); at most one entry per role id.
    #[schema(required = false, max_items = 5)]
    pub current_roles: Vec<RoleId>,
    /// The CEO's years of experience as CEO. A number with no fractional part (`2.0`) is
    /// read as that whole number.
    #[schema(minimum = 0, maximum = 100)]
    pub ceo_experience_years: Option<i64>,
    /// The CEO's strengths, free tags.
    #[schema(required = false, max_items = 50)]
    pub ceo_strengths: Vec<FreeText>,
    /// The CEO's gaps, free tags.
    #[schema(required = false, max_items = 50)]
    pub ceo_gaps: Vec<FreeText>,
    /// The CEO plans to step down (default false).
    #[schema(required = false)]
    pub ceo_plans_to_step_down: bool,
    /// A key executive may leave for a competitor (default false).
    #[schema(required = false)]
    pub retain_key_executive: bool,
}

/// Signs, events, budget and narrative.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// Sign ids of the knowledge base the server runs; no more entries than it has signs.
    #[schema(required = false)]
    pub signs: Vec<String>,
    /// Event ids of the knowledge base the server runs; no more entries than it has events.
    #[schema(required = false)]
    pub events: Vec<String>,
    /// Default `moderate`.
    #[schema(required = false)]
    pub budget: Budget,
    /// The founder's own words, diagnosed into signs.
    pub narrative: Option<FreeText>,
    /// The signs a person confirmed in the narrative at intake. When present (even
    /// empty) the narrative is not read again: these count, with origin `narrative`.
    #[schema(required = false)]
    pub narrative_signs: Option<Vec<ConfirmedSign>>,
}

/// A sign a person confirmed in their narrative.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedSign {
    /// A sign id of the knowledge base the server runs.
    pub id: String,
    /// The words of the narrative that showed it.
    #[schema(required = false)]
    pub phrase: Option<FreeText>,
}

/// Objectives.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    /// Short-term objectives.
    #[schema(required = false, max_items = 50)]
    pub short_term: Vec<FreeText>,
    /// Long-term objectives.
    #[schema(required = false, max_items = 50)]
    pub long_term: Vec<FreeText>,
}

/// An assessment: the contract's `assess --format json`.
#[derive(ToSchema)]
pub struct Assessment {
    /// Always 1.
    #[schema(minimum = 1, maximum = 1)]
    pub schema_version: i64,
    /// The company, as the engine classified it.
    pub company: CompanySummary,
    /// Every sign taken into account, once each.
    pub signs: Vec<SignHit>,
    /// One entry per seat (`cso`, `coo`, `chief_of_staff`, `implementer`), highest score
    /// first.
    #[schema(min_items = 4, max_items = 4)]
    pub needs: Vec<Need>,
    /// The highest-scoring seat whose verdict is `hire_now`, or null.
    #[schema(required = true)]
    pub primary: Option<Seat>,
    /// One step per seat to fill now or next, in order.
    #[schema(max_items = 4)]
    pub roadmap: Vec<Step>,
    /// The COO archetypes ranked; present whenever `coo` is `hire_now` or `plan_next`.
    #[schema(required = true)]
    pub coo_archetype: Option<ArchetypeRanking>,
    /// The knowledge base that produced the result.
    pub method: Method,
    /// The profile's objectives and narrative, as given, for the report to quote; absent
    /// when it gives none.
    #[schema(required = false)]
    pub context: Context,
    /// How each of the CEO's strength and gap tags was read; absent when none are given.
    #[schema(required = false)]
    pub ceo_tags: Vec<CeoTag>,
    /// What the method assumed and what looks inconsistent in the inputs; absent when
    /// there is nothing to say.
    #[schema(required = false)]
    pub notes: Vec<Note>,
}

/// The founder's objectives and own words, quoted by the report.
#[derive(ToSchema)]
pub struct Context {
    /// Short-term objectives.
    #[schema(required = false)]
    pub short_term: Vec<String>,
    /// Long-term objectives.
    #[schema(required = false)]
    pub long_term: Vec<String>,
    /// The narrative.
    #[schema(required = false)]
    pub narrative: Option<String>,
}

/// One of the CEO's tags and the capability area it was read as.
#[derive(ToSchema)]
pub struct CeoTag {
    /// The tag as written.
    pub tag: String,
    /// `strength` or `gap`.
    pub kind: TagKind,
    /// The capability area id, or null when the tag names none.
    #[schema(required = true)]
    pub area: Option<String>,
    /// How it was read.
    pub read: TagRead,
}

/// Whether a tag is a strength or a gap.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TagKind {
    /// Listed under `ceo_strengths`.
    Strength,
    /// Listed under `ceo_gaps`.
    Gap,
}

/// How a tag was read: `by` is `example` (with the example tag it is), `words` (with the
/// word), `meaning` (with the nearest example and its similarity) or `unmatched`.
#[derive(ToSchema)]
pub struct TagRead {
    /// `example`, `words`, `meaning` or `unmatched`.
    pub by: TagBy,
    /// The knowledge base's example tag (`example`).
    #[schema(required = false)]
    pub example: Option<String>,
    /// The knowledge base's word (`words`).
    #[schema(required = false)]
    pub word: Option<String>,
    /// The nearest example tag (`meaning`).
    #[schema(required = false)]
    pub exemplar: Option<String>,
    /// Its cosine similarity (`meaning`).
    #[schema(required = false, minimum = -1, maximum = 1)]
    pub similarity: Option<f64>,
}

/// How a tag was read.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TagBy {
    /// The tag is one of the knowledge base's example tags.
    Example,
    /// By one of the area's words.
    Words,
    /// By the nearest example, with a text model.
    Meaning,
    /// Not recognised.
    Unmatched,
}

/// Something to check before acting on the result.
#[derive(ToSchema)]
pub struct Note {
    /// `assumed` or `inconsistent`.
    pub kind: NoteKind,
    /// The knowledge-base rule that wrote it.
    pub rule: String,
    /// What to check, in words.
    pub text: String,
    /// Source id of the rule.
    pub source: String,
}

/// What a note says.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The method filled in something the inputs did not say.
    Assumed,
    /// Two inputs disagree, or a value is implausible.
    Inconsistent,
}

/// The knowledge base behind a result.
#[derive(ToSchema)]
pub struct Method {
    /// Its name.
    pub kb_name: String,
    /// Its version.
    pub kb_version: String,
}

/// The company, as classified.
#[derive(ToSchema)]
pub struct CompanySummary {
    /// Name, when given.
    #[schema(required = true)]
    pub name: Option<String>,
    /// Headcount.
    #[schema(minimum = 1, maximum = 4_294_967_295_i64)]
    pub employees: i64,
    /// Revenue in US dollars, when given.
    #[schema(required = true, minimum = 0)]
    pub annual_revenue_usd: Option<f64>,
    /// Size band id.
    pub size_band: String,
    /// Revenue band id, or `unknown`.
    pub revenue_band: String,
}

/// A sign taken into account.
#[derive(ToSchema)]
pub struct SignHit {
    /// Sign id.
    pub id: String,
    /// Where it came from.
    pub origin: Origin,
    /// The phrase that found it (narrative), or the event that implied it.
    #[schema(required = true)]
    pub evidence: Option<String>,
    /// How the semantic reader read it, when the server reads text by meaning.
    #[schema(required = false)]
    pub meaning: Option<Meaning>,
}

/// A reading by meaning: the reader's probability and the sign's nearest exemplar.
#[derive(ToSchema)]
pub struct Meaning {
    /// `phrase` (a phrase matched and the reader agreed) or `meaning` (the reader alone).
    pub by: String,
    /// The probability the reader gave the sign in its clause (0–1).
    #[schema(minimum = 0, maximum = 1)]
    pub probability: f64,
    /// The sign's exemplar nearest to the clause.
    pub exemplar: String,
    /// Their cosine similarity (−1 to 1).
    #[schema(minimum = -1, maximum = 1)]
    pub similarity: f64,
}

/// The need for one seat.
#[derive(ToSchema)]
pub struct Need {
    /// The seat.
    pub role: Seat,
    /// 0 to 100, in tenths: exactly the sum of `evidence[].contribution`.
    #[schema(minimum = 0, maximum = 100)]
    pub score: f64,
    /// The advice.
    pub verdict: Verdict,
    /// Null unless the verdict is `hire_now` or `plan_next`.
    #[schema(required = true)]
    pub engagement: Option<Engagement>,
    /// Every contribution to the score, in the order added.
    pub evidence: Vec<Evidence>,
    /// The rule that gave the verdict.
    pub verdict_reason: Reason,
    /// The rule that gave the engagement, when there is one.
    #[schema(required = true)]
    pub engagement_reason: Option<Reason>,
}

/// One line of a need's arithmetic.
#[derive(ToSchema)]
pub struct Evidence {
    /// A sign, event or factor id, or `bound.cap` / `bound.floor`.
    pub factor: String,
    /// What kind of entry it is.
    pub kind: EvidenceKind,
    /// Points added, in tenths (may be negative).
    pub contribution: f64,
    /// The article (or `nextseat`) behind the entry.
    pub source: String,
    /// The entry's label.
    pub label: String,
    /// How the sign was found; sign lines only (absent otherwise).
    #[schema(required = false)]
    pub origin: Origin,
}

/// The rule behind a decision.
#[derive(ToSchema)]
pub struct Reason {
    /// The knowledge-base entry.
    pub rule: String,
    /// The explanation.
    pub text: String,
    /// The article (or `nextseat`).
    pub source: String,
}

/// One step of the roadmap.
#[derive(ToSchema)]
pub struct Step {
    /// 1-based.
    #[schema(minimum = 1)]
    pub step: i64,
    /// The seat.
    pub role: Seat,
    /// How to engage it.
    pub engagement: Engagement,
    /// `now`, or the condition in words.
    pub trigger: String,
    /// Why this seat, at this point.
    pub reason: String,
}

/// The COO archetypes, ranked.
#[derive(ToSchema)]
pub struct ArchetypeRanking {
    /// The best-fitting archetype id.
    pub best: String,
    /// Every archetype, best first.
    pub ranked: Vec<ArchetypeScore>,
}

/// One archetype's fit.
#[derive(ToSchema)]
pub struct ArchetypeScore {
    /// Archetype id.
    pub archetype: String,
    /// 0 to 100, in tenths.
    #[schema(minimum = 0, maximum = 100)]
    pub score: f64,
    /// The reasons of the rules that held.
    pub reasons: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextseat_core::ids;
    use nextseat_core::profile::MAX_TAGS;

    fn values<T: ToSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).expect("serialises");
        schema["enum"]
            .as_array()
            .expect("an enumeration")
            .iter()
            .map(|v| v.as_str().expect("a string").to_string())
            .collect()
    }

    fn ids(list: Vec<&str>) -> Vec<String> {
        list.into_iter().map(str::to_string).collect()
    }

    #[test]
    fn enumerations_mirror_the_core_ids() {
        assert_eq!(values::<RoleId>(), ids(ids::RoleId::ids()));
        assert_eq!(
            values::<Seat>(),
            ids(ids::RoleId::SEATS.iter().map(|r| r.as_str()).collect())
        );
        assert_eq!(values::<Intensity>(), ids(ids::Intensity::ids()));
        assert_eq!(values::<Market>(), ids(ids::Market::ids()));
        assert_eq!(values::<Growth>(), ids(ids::Growth::ids()));
        assert_eq!(values::<Budget>(), ids(ids::Budget::ids()));
        assert_eq!(values::<Verdict>(), ids(ids::Verdict::ids()));
        assert_eq!(values::<Engagement>(), ids(ids::Engagement::ids()));
        assert_eq!(values::<Origin>(), ids(ids::Origin::ids()));
        use nextseat_core::assessment::EvidenceKind as Kind;
        let kinds: Vec<String> = [Kind::Sign, Kind::Event, Kind::Context, Kind::Bound]
            .into_iter()
            .map(|k| {
                serde_json::to_value(k)
                    .expect("serialises")
                    .as_str()
                    .expect("a string")
                    .to_string()
            })
            .collect();
        assert_eq!(values::<EvidenceKind>(), kinds);
    }

    #[test]
    fn limits_mirror_the_core() {
        let leadership = serde_json::to_value(Leadership::schema()).expect("serialises");
        assert_eq!(
            leadership["properties"]["ceo_gaps"]["maxItems"],
            serde_json::json!(MAX_TAGS)
        );
        assert_eq!(
            leadership["properties"]["current_roles"]["maxItems"],
            serde_json::json!(ids::RoleId::ALL.len())
        );
        assert_eq!(MAX_TEXT, 20_000, "FreeText's description says 20,000");
    }
}

/// The body of `POST /api/v1/diagnose`.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnoseRequest {
    /// The text to read, in anyone's words.
    pub text: FreeText,
}

/// What a text says: the signs found and the matches not counted.
#[derive(ToSchema)]
pub struct Diagnosis {
    /// Signs found, in the order they first appear in the text.
    pub signs: Vec<Finding>,
    /// Matches not counted (negated or resolved), with why.
    pub suppressed: Vec<Suppressed>,
    /// Which readers read the text: `phrases`, or `phrases+meaning` with a text model.
    pub reader: String,
    /// Anything the reader could not do (the model failed, the text was cut).
    #[schema(required = false)]
    pub notes: Vec<String>,
}

/// A sign found in a text.
#[derive(ToSchema)]
pub struct Finding {
    /// Sign id.
    pub id: String,
    /// The exact words of the text that showed it.
    pub phrase: String,
    /// Byte offset of the words' start.
    #[schema(minimum = 0)]
    pub start: i64,
    /// Byte offset just past their end.
    #[schema(minimum = 0)]
    pub end: i64,
    /// 1-based line.
    #[schema(minimum = 1)]
    pub line: i64,
    /// 1-based column, in characters.
    #[schema(minimum = 1)]
    pub column: i64,
    /// The knowledge base's phrase that matched (empty for a finding by meaning).
    pub pattern: String,
    /// How the semantic reader read it, when the server reads text by meaning.
    #[schema(required = false)]
    pub meaning: Option<Meaning>,
}

/// A match that was not counted, and why.
#[derive(ToSchema)]
pub struct Suppressed {
    /// Sign id.
    pub id: String,
    /// The words of the text.
    pub phrase: String,
    /// 1-based line.
    #[schema(minimum = 1)]
    pub line: i64,
    /// 1-based column.
    #[schema(minimum = 1)]
    pub column: i64,
    /// Why it was not counted.
    pub reason: String,
}
