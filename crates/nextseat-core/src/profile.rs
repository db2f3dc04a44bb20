//! The company profile: the contract's input, parsed from TOML or JSON and validated
//! against a knowledge base.
//!
//! Parsing happens in two steps. serde checks the shape (unknown keys, wrong types,
//! enumerated values) and reports the first such problem with its position. Then every
//! value the knowledge base decides about (sign and event ids, ranges) is checked and
//! *every* problem is reported, each located in the source text and, for an unknown id,
//! with the closest valid one.

use crate::diag::{Diagnostic, Diagnostics, closest};
use crate::ids::{Budget, Growth, Intensity, Market, RoleId};
use crate::kb::KnowledgeBase;
use serde::{Deserialize, Serialize};

/// The format of a profile text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// The `[company]` table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Company name.
    #[serde(default)]
    pub name: Option<String>,
    /// Annual revenue in USD (>= 0).
    #[serde(default)]
    pub annual_revenue_usd: Option<f64>,
    /// Headcount (>= 1). Required. A number with no fractional part (`4.0`) reads as
    /// that whole number.
    #[serde(deserialize_with = "whole::required")]
    pub employees: i64,
    /// Industry, free text.
    #[serde(default)]
    pub industry: Option<String>,
    /// Operational intensity.
    #[serde(default)]
    pub operational_intensity: Intensity,
    /// Market.
    #[serde(default)]
    pub market: Market,
    /// Growth.
    #[serde(default)]
    pub growth: Growth,
}

fn default_roles() -> Vec<RoleId> {
    vec![RoleId::Ceo]
}

/// The `[leadership]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leadership {
    /// Roles already on the team.
    #[serde(default = "default_roles")]
    pub current_roles: Vec<RoleId>,
    /// CEO experience in years (>= 0). A number with no fractional part (`2.0`) reads as
    /// that whole number.
    #[serde(default, deserialize_with = "whole::optional")]
    pub ceo_experience_years: Option<i64>,
    /// CEO strengths, free tags.
    #[serde(default)]
    pub ceo_strengths: Vec<String>,
    /// CEO gaps, free tags.
    #[serde(default)]
    pub ceo_gaps: Vec<String>,
    /// Succession plan.
    #[serde(default)]
    pub ceo_plans_to_step_down: bool,
    /// A key executive may leave for a competitor.
    #[serde(default)]
    pub retain_key_executive: bool,
}

impl Default for Leadership {
    fn default() -> Self {
        Leadership {
            current_roles: default_roles(),
            ceo_experience_years: None,
            ceo_strengths: Vec::new(),
            ceo_gaps: Vec::new(),
            ceo_plans_to_step_down: false,
            retain_key_executive: false,
        }
    }
}

/// The `[situation]` table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// Declared sign ids.
    #[serde(default)]
    pub signs: Vec<String>,
    /// Declared event ids.
    #[serde(default)]
    pub events: Vec<String>,
    /// Budget.
    #[serde(default)]
    pub budget: Budget,
    /// The founder's own words.
    #[serde(default)]
    pub narrative: Option<String>,
    /// The signs a person confirmed in the narrative at intake (the web questionnaire and
    /// the interview show the signs found as ticked suggestions). When present, even
    /// empty, the narrative is not read again: the confirmed signs count, with origin
    /// `narrative`, and the ones the person unticked stay out.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "tables::list"
    )]
    pub narrative_signs: Option<Vec<ConfirmedSign>>,
}

/// Tables only: serde would also read a struct from a list of its values (`situation =
/// []`), which the contract does not allow and the OpenAPI document does not describe.
mod tables {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};
    use std::marker::PhantomData;

    /// `T` read from a table (a JSON object), never from a list.
    pub struct Table<T>(pub T);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Table<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a table")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Table<T>, A::Error> {
                    T::deserialize(MapAccessDeserializer::new(map)).map(Table)
                }
            }
            d.deserialize_map(V(PhantomData))
        }
    }

    pub fn one<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
        Table::deserialize(d).map(|t| t.0)
    }

    pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        let v: Option<Vec<Table<T>>> = Option::deserialize(d)?;
        Ok(v.map(|v| v.into_iter().map(|t| t.0).collect()))
    }
}

/// A sign a person confirmed in their narrative, with the words that showed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedSign {
    /// The sign id.
    pub id: String,
    /// The clause or phrase of the narrative that showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
}

/// The `[objectives]` table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    /// Short-term objectives.
    #[serde(default)]
    pub short_term: Vec<String>,
    /// Long-term objectives.
    #[serde(default)]
    pub long_term: Vec<String>,
}

/// A company profile, as the contract describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Company facts.
    #[serde(deserialize_with = "tables::one")]
    pub company: Company,
    /// The leadership team.
    #[serde(default, deserialize_with = "tables::one")]
    pub leadership: Leadership,
    /// Signs, events, budget, narrative.
    #[serde(default, deserialize_with = "tables::one")]
    pub situation: Situation,
    /// Objectives.
    #[serde(default, deserialize_with = "tables::one")]
    pub objectives: Objectives,
}

/// Every key of the profile, named `table.key` as in the contract, in the contract's order.
///
/// The interview asks for the fields in this order, and the knowledge base's
/// `[[interview]]` entries name them by [`ProfileField::key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProfileField {
    /// `company.name`.
    CompanyName,
    /// `company.annual_revenue_usd`.
    AnnualRevenueUsd,
    /// `company.employees`.
    Employees,
    /// `company.industry`.
    Industry,
    /// `company.operational_intensity`.
    OperationalIntensity,
    /// `company.market`.
    Market,
    /// `company.growth`.
    Growth,
    /// `leadership.current_roles`.
    CurrentRoles,
    /// `leadership.ceo_experience_years`.
    CeoExperienceYears,
    /// `leadership.ceo_strengths`.
    CeoStrengths,
    /// `leadership.ceo_gaps`.
    CeoGaps,
    /// `leadership.ceo_plans_to_step_down`.
    CeoPlansToStepDown,
    /// `leadership.retain_key_executive`.
    RetainKeyExecutive,
    /// `situation.signs`.
    Signs,
    /// `situation.events`.
    Events,
    /// `situation.budget`.
    Budget,
    /// `situation.narrative`.
    Narrative,
    /// `objectives.short_term`.
    ShortTerm,
    /// `objectives.long_term`.
    LongTerm,
}

impl ProfileField {
    /// Every field, in the contract's order.
    pub const ALL: [ProfileField; 19] = [
        ProfileField::CompanyName,
        ProfileField::AnnualRevenueUsd,
        ProfileField::Employees,
        ProfileField::Industry,
        ProfileField::OperationalIntensity,
        ProfileField::Market,
        ProfileField::Growth,
        ProfileField::CurrentRoles,
        ProfileField::CeoExperienceYears,
        ProfileField::CeoStrengths,
        ProfileField::CeoGaps,
        ProfileField::CeoPlansToStepDown,
        ProfileField::RetainKeyExecutive,
        ProfileField::Signs,
        ProfileField::Events,
        ProfileField::Budget,
        ProfileField::Narrative,
        ProfileField::ShortTerm,
        ProfileField::LongTerm,
    ];

    /// The key as the contract writes it: `company.employees`.
    pub const fn key(self) -> &'static str {
        match self {
            ProfileField::CompanyName => "company.name",
            ProfileField::AnnualRevenueUsd => "company.annual_revenue_usd",
            ProfileField::Employees => "company.employees",
            ProfileField::Industry => "company.industry",
            ProfileField::OperationalIntensity => "company.operational_intensity",
            ProfileField::Market => "company.market",
            ProfileField::Growth => "company.growth",
            ProfileField::CurrentRoles => "leadership.current_roles",
            ProfileField::CeoExperienceYears => "leadership.ceo_experience_years",
            ProfileField::CeoStrengths => "leadership.ceo_strengths",
            ProfileField::CeoGaps => "leadership.ceo_gaps",
            ProfileField::CeoPlansToStepDown => "leadership.ceo_plans_to_step_down",
            ProfileField::RetainKeyExecutive => "leadership.retain_key_executive",
            ProfileField::Signs => "situation.signs",
            ProfileField::Events => "situation.events",
            ProfileField::Budget => "situation.budget",
            ProfileField::Narrative => "situation.narrative",
            ProfileField::ShortTerm => "objectives.short_term",
            ProfileField::LongTerm => "objectives.long_term",
        }
    }

    /// The field with this key (exact match).
    pub fn parse(key: &str) -> Option<ProfileField> {
        ProfileField::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Every key, for "closest valid key" suggestions.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        ProfileField::ALL.into_iter().map(ProfileField::key)
    }
}

/// Longest accepted free text (name, industry, a tag, an objective, a narrative), in
/// characters (Unicode scalar values), as JSON Schema's `maxLength` counts them.
pub const MAX_TEXT: usize = 20_000;

/// Whether `t` is longer than [`MAX_TEXT`] characters. A text of at most that many bytes
/// is not looked at: it cannot have more characters than bytes.
pub fn exceeds_max_text(t: &str) -> bool {
    t.len() > MAX_TEXT && t.chars().count() > MAX_TEXT
}

/// Whole numbers as JSON and TOML write them: `4`, and also `4.0` (a number with no
/// fractional part, which JSON Schema counts as an integer too). `4.5` is an error.
mod whole {
    use serde::Deserializer;
    use serde::de::{self, Visitor};
    use std::fmt;

    struct Whole;

    /// Beyond this magnitude an `f64` cannot be an `i64` (2^63).
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;

    impl<'de> Visitor<'de> for Whole {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            // Plain digits for ordinary numbers, an exponent for tiny or huge ones (1e300
            // would otherwise be written out as 301 digits).
            let shown = if v == 0.0 || (1e-4..1e16).contains(&v.abs()) {
                format!("{v}")
            } else {
                format!("{v:e}")
            };
            if !v.is_finite() || v.fract() != 0.0 {
                return Err(E::custom(format!("must be a whole number (got {shown})")));
            }
            if !(-LIMIT..LIMIT).contains(&v) {
                return Err(E::custom(format!("{shown} is too large")));
            }
            // Exact: `v` is whole and within the range of i64.
            Ok(v as i64)
        }
    }

    struct MaybeWhole;

    impl<'de> Visitor<'de> for MaybeWhole {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
            required(d).map(Some)
        }
    }

    /// A required whole number.
    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        d.deserialize_any(Whole)
    }

    /// An optional whole number (`null` in JSON is none).
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_option(MaybeWhole)
    }
}

/// Most entries in a list of free texts (the CEO's strengths or gaps, objectives). Lists of
/// ids are capped by the knowledge base instead: a profile cannot name more signs than
/// the method has.
pub const MAX_TAGS: usize = 50;

/// What is wrong with a free text, if anything: longer than [`MAX_TEXT`] characters, or
/// holding a control character other than a line break or tab. Profiles and the web
/// API's text requests check their texts with this one rule.
pub fn free_text_problem(t: &str) -> Option<&'static str> {
    if exceeds_max_text(t) {
        Some("is longer than 20,000 characters")
    } else if has_control(t) {
        Some("contains control characters")
    } else {
        None
    }
}

/// Whether `t` holds a control character other than a line break or tab.
fn has_control(t: &str) -> bool {
    const ONES: u64 = u64::MAX / 0xff;
    const HIGH: u64 = ONES * 0x80;
    let bad = |ch: char| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t');
    // Eight bytes at a time: a chunk of printable ASCII (nearly every chunk) is passed
    // after two word operations; any other chunk is looked at byte by byte. Only a
    // text with non-ASCII characters is walked by char.
    let mut ascii = true;
    let mut look = |bytes: &[u8]| {
        for &b in bytes {
            if !(0x20..0x7f).contains(&b) {
                if b >= 0x80 {
                    ascii = false;
                } else if !matches!(b, b'\n' | b'\r' | b'\t') {
                    return true;
                }
            }
        }
        false
    };
    let mut chunks = t.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Some byte is below 0x20, or is 0x7f or above (false alarms only cost a look).
        let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        let del_or_high = (x.wrapping_add(ONES) | x) & HIGH;
        if below_space | del_or_high != 0 && look(chunk) {
            return true;
        }
    }
    if look(chunks.remainder()) {
        return true;
    }
    !ascii && t.chars().any(bad)
}

/// Every value of a well-formed profile text whose shape or type is wrong, each with its
/// key: serde stops at the first, so the value is read again without each wrong entry
/// (at most [`crate::diag::MAX_LISTED`] times). A misspelt key names the closest valid one.
/// `None` when the text itself does not parse (the first error says where).
fn shape_problems(src: &str, format: Format) -> Option<Vec<Diagnostic>> {
    let mut value: serde_json::Value = match format {
        Format::Json => serde_json::from_str(src).ok()?,
        Format::Toml => serde_json::to_value(toml::from_str::<toml::Table>(src).ok()?).ok()?,
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    while let Err(e) = serde_path_to_error::deserialize::<_, Profile>(&value) {
        if out.len() == crate::diag::MAX_LISTED {
            out.push(Diagnostic::new(
                "",
                "and more problems not listed: fix these first",
            ));
            break;
        }
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = crate::diag::humanise(&e.inner().to_string());
        // A key removed for being wrong is then missing: that is not a second problem.
        let missing_removed = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
            .is_some_and(|f| {
                let key = if path.is_empty() {
                    f.to_string()
                } else {
                    format!("{path}.{f}")
                };
                removed.contains(&key)
            });
        let d = match unknown_key(&message) {
            Some((key, valid)) => {
                let key_path = if path.ends_with(&key) || path.is_empty() {
                    path.clone()
                } else {
                    format!("{path}.{key}")
                };
                Diagnostic::new(key_path, format!("unknown key \"{key}\""))
                    .suggest(crate::diag::closest(&key, valid.iter().map(String::as_str)))
            }
            None => Diagnostic::new(path.clone(), message),
        };
        if !missing_removed {
            out.push(d);
        }
        if path.is_empty() || !remove_at(&mut value, &path) {
            break;
        }
        removed.push(path);
    }
    (!out.is_empty()).then_some(out)
}

/// From serde's "unknown field `x`, expected one of `a`, `b`": the key and the valid ones.
fn unknown_key(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let valid = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), valid))
}

/// Removes the entry at `path` (`company.employees`, `situation.signs[2]`) from `value`.
fn remove_at(value: &mut serde_json::Value, path: &str) -> bool {
    let segs = crate::locate::parse_path(path);
    let Some((last, parents)) = segs.split_last() else {
        return false;
    };
    let mut at = value;
    for seg in parents {
        let next = match (seg, at) {
            (crate::locate::Seg::Key(k), serde_json::Value::Object(m)) => m.get_mut(k),
            (crate::locate::Seg::Index(i), serde_json::Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => return false,
        }
    }
    match (last, at) {
        (crate::locate::Seg::Key(k), serde_json::Value::Object(m)) => m.remove(k).is_some(),
        (crate::locate::Seg::Index(i), serde_json::Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}

impl Profile {
    /// Parses and validates a profile text.
    pub fn parse(src: &str, format: Format, kb: &KnowledgeBase) -> Result<Profile, Diagnostics> {
        if src.trim().is_empty() {
            return Err(Diagnostics(vec![Diagnostic::new(
                "",
                "the profile is empty: it needs at least [company] with employees",
            )]));
        }
        let parsed: Result<Profile, Diagnostic> = crate::locate::deserialize(src, format);
        let profile = match parsed {
            Ok(p) => p,
            // The text is well formed but some value has the wrong shape: find them all.
            Err(first) => {
                let mut diags = shape_problems(src, format).unwrap_or_else(|| vec![first]);
                let listed = diags.len().min(crate::diag::MAX_LISTED);
                crate::locate::Document::new(src, format).locate(&mut diags[..listed]);
                // In file order; the closing "and more" note (no key, no place) stays last.
                diags.sort_by_key(|d| (d.position.is_none(), d.key.is_empty(), d.position));
                return Err(Diagnostics(diags));
            }
        };
        let mut diags: Vec<Diagnostic> = profile.validate(kb).into_iter().map(|(d, _)| d).collect();
        let listed = diags.len().min(crate::diag::MAX_LISTED);
        crate::locate::Document::new(src, format).locate(&mut diags[..listed]);
        Diagnostics::check(diags)?;
        Ok(profile)
    }

    /// Checks the values the knowledge base decides about. Each problem comes with the
    /// offending string value when there is one (used to locate it in JSON).
    pub fn validate(&self, kb: &KnowledgeBase) -> Vec<(Diagnostic, Option<String>)> {
        let mut out = Vec::new();
        let c = &self.company;
        if c.employees < 1 {
            out.push((
                Diagnostic::new(
                    "company.employees",
                    format!("must be a whole number of at least 1 (got {})", c.employees),
                ),
                None,
            ));
        } else if c.employees > i64::from(u32::MAX) {
            out.push((Diagnostic::new("company.employees", "is too large"), None));
        }
        if let Some(r) = c.annual_revenue_usd
            && !(r.is_finite() && (0.0..1e15).contains(&r))
        {
            out.push((
                Diagnostic::new(
                    "company.annual_revenue_usd",
                    format!("must be a number of dollars, 0 or more (got {r})"),
                ),
                None,
            ));
        }
        if let Some(y) = self.leadership.ceo_experience_years
            && !(0..=100).contains(&y)
        {
            out.push((
                Diagnostic::new(
                    "leadership.ceo_experience_years",
                    format!("must be between 0 and 100 (got {y})"),
                ),
                None,
            ));
        }
        // A list longer than the method allows is one problem, not one per entry: its
        // entries are not looked at.
        let mut too_long = |key: &str, len: usize, max: usize, what: &str| {
            let over = len > max;
            if over {
                out.push((
                    Diagnostic::new(
                        key,
                        format!("has {len} entries; at most {max} are allowed ({what})"),
                    ),
                    None,
                ));
            }
            over
        };
        let signs_over = too_long(
            "situation.signs",
            self.situation.signs.len(),
            kb.signs.len(),
            "the method has that many signs",
        );
        let confirmed = self.situation.narrative_signs.as_deref().unwrap_or(&[]);
        let confirmed_over = too_long(
            "situation.narrative_signs",
            confirmed.len(),
            kb.signs.len(),
            "the method has that many signs",
        );
        let events_over = too_long(
            "situation.events",
            self.situation.events.len(),
            kb.events.len(),
            "the method has that many events",
        );
        too_long(
            "leadership.current_roles",
            self.leadership.current_roles.len(),
            RoleId::ALL.len(),
            "there are that many roles",
        );
        let mut tags_over = [false; 4];
        for (over, (k, list)) in tags_over.iter_mut().zip([
            ("leadership.ceo_strengths", &self.leadership.ceo_strengths),
            ("leadership.ceo_gaps", &self.leadership.ceo_gaps),
            ("objectives.short_term", &self.objectives.short_term),
            ("objectives.long_term", &self.objectives.long_term),
        ]) {
            *over = too_long(k, list.len(), MAX_TAGS, "list the main ones");
        }
        if !signs_over {
            for (i, s) in self.situation.signs.iter().enumerate() {
                if kb.sign(s).is_none() {
                    out.push((
                        Diagnostic::new(
                            format!("situation.signs[{i}]"),
                            format!("unknown sign id \"{s}\""),
                        )
                        .suggest(closest(s, kb.signs.iter().map(|s| s.id.as_str()))),
                        Some(s.clone()),
                    ));
                }
            }
        }
        if !confirmed_over {
            for (i, c) in confirmed.iter().enumerate() {
                if kb.sign(&c.id).is_none() {
                    out.push((
                        Diagnostic::new(
                            format!("situation.narrative_signs[{i}].id"),
                            format!("unknown sign id \"{}\"", c.id),
                        )
                        .suggest(closest(&c.id, kb.signs.iter().map(|s| s.id.as_str()))),
                        Some(c.id.clone()),
                    ));
                }
            }
        }
        if !events_over {
            for (i, e) in self.situation.events.iter().enumerate() {
                if kb.event(e).is_none() {
                    out.push((
                        Diagnostic::new(
                            format!("situation.events[{i}]"),
                            format!("unknown event id \"{e}\""),
                        )
                        .suggest(closest(e, kb.events.iter().map(|e| e.id.as_str()))),
                        Some(e.clone()),
                    ));
                }
            }
        }
        // Free texts: the key is only spelled out for a text that is wrong.
        let mut check_text = |t: &str, key: &dyn Fn() -> String| {
            if let Some(problem) = free_text_problem(t) {
                out.push((Diagnostic::new(key(), problem), None));
            }
        };
        for (k, text) in [
            ("company.name", &c.name),
            ("company.industry", &c.industry),
            ("situation.narrative", &self.situation.narrative),
        ] {
            if let Some(t) = text {
                check_text(t, &|| k.to_string());
            }
        }
        if !confirmed_over {
            for (i, c) in confirmed.iter().enumerate() {
                if let Some(p) = &c.phrase {
                    check_text(p, &|| format!("situation.narrative_signs[{i}].phrase"));
                }
            }
        }
        for (over, (k, list)) in tags_over.into_iter().zip([
            ("leadership.ceo_strengths", &self.leadership.ceo_strengths),
            ("leadership.ceo_gaps", &self.leadership.ceo_gaps),
            ("objectives.short_term", &self.objectives.short_term),
            ("objectives.long_term", &self.objectives.long_term),
        ]) {
            if over {
                continue;
            }
            for (i, t) in list.iter().enumerate() {
                check_text(t, &|| format!("{k}[{i}]"));
            }
        }
        out
    }

    /// The profile as a TOML document in the contract's format, which [`Profile::parse`]
    /// reads back to an equal profile. Absent optional values are left out.
    ///
    /// # Errors
    /// Only if the TOML serialiser rejects a value, which the profile's types rule out.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    /// Headcount as validated (at least 1).
    pub fn employees(&self) -> u32 {
        u32::try_from(self.company.employees.max(1)).unwrap_or(u32::MAX)
    }

    /// A minimal valid profile with this headcount (used by tests and examples).
    pub fn with_employees(employees: i64) -> Profile {
        Profile {
            company: Company {
                employees,
                ..Company::default()
            },
            leadership: Leadership::default(),
            situation: Situation::default(),
            objectives: Objectives::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Position;

    proptest::proptest! {
        #[test]
        fn control_characters_are_found_as_char_by_char(t in "(\\PC|\\pC|[\t\n\r\x7f]){0,40}") {
            let by_char = t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
            proptest::prop_assert_eq!(has_control(&t), by_char);
        }

        #[test]
        fn one_odd_character_in_plain_text_is_judged_alike(
            text in "[ -~]{0,40}",
            odd in "[\x00-\x1f\x7f\u{80}-\u{9f}é\u{2028}]",
            at in 0usize..41,
        ) {
            let mut t = text.clone();
            t.insert_str(at.min(text.len()), &odd);
            let by_char = t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
            proptest::prop_assert_eq!(has_control(&t), by_char);
        }
    }

    fn kb() -> KnowledgeBase {
        KnowledgeBase::default_kb()
    }

    #[test]
    fn minimal_toml_profile_takes_defaults() {
        let p = Profile::parse("[company]\nemployees = 12\n", Format::Toml, &kb()).expect("valid");
        assert_eq!(p.leadership.current_roles, vec![RoleId::Ceo]);
        assert_eq!(p.situation.budget, Budget::Moderate);
    }

    #[test]
    fn unknown_sign_is_located_with_suggestion() {
        let src = "[company]\nemployees = 12\n[situation]\nsigns = [\"coo.firefihgting\"]\n";
        let e = Profile::parse(src, Format::Toml, &kb()).expect_err("invalid");
        let d = &e.0[0];
        assert_eq!(d.key, "situation.signs[0]");
        assert_eq!(
            d.position,
            Some(Position {
                line: 4,
                column: 10
            })
        );
        assert_eq!(d.suggestion.as_deref(), Some("coo.firefighting"));
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let src = "{\"company\": {\"employees\": 3, \"colour\": 1}}";
        let e = Profile::parse(src, Format::Json, &kb()).expect_err("invalid");
        assert!(e.0[0].message.contains("colour"), "{:?}", e.0[0]);
        assert!(e.0[0].position.is_some());
    }

    #[test]
    fn toml_round_trip_gives_the_same_profile() {
        let mut p = Profile::with_employees(35);
        p.company.name = Some("Acme \"Logistics\"".into());
        p.company.annual_revenue_usd = Some(2_500_000.0);
        p.company.growth = Growth::Rapid;
        p.leadership.current_roles = vec![RoleId::Ceo, RoleId::Cso];
        p.leadership.ceo_experience_years = Some(2);
        p.leadership.ceo_gaps = vec!["operations".into()];
        p.leadership.retain_key_executive = true;
        p.situation.signs = vec!["coo.firefighting".into()];
        p.situation.events = vec!["merger".into()];
        p.situation.budget = Budget::Lean;
        p.situation.narrative = Some("Orders go out late.\nEvery week.".into());
        p.objectives.long_term = vec!["Open a second depot".into()];
        let text = p.to_toml().expect("serialises");
        let back = Profile::parse(&text, Format::Toml, &kb()).expect("reads back");
        assert_eq!(back, p, "{text}");
        let minimal = Profile::with_employees(3).to_toml().expect("serialises");
        assert!(!minimal.contains("annual_revenue_usd"), "{minimal}");
    }

    #[test]
    fn profile_fields_have_unique_keys_that_parse_back() {
        let keys: std::collections::HashSet<&str> = ProfileField::keys().collect();
        assert_eq!(keys.len(), ProfileField::ALL.len());
        for f in ProfileField::ALL {
            assert_eq!(ProfileField::parse(f.key()), Some(f));
        }
    }

    #[test]
    fn a_list_longer_than_the_method_allows_is_one_located_problem() {
        let ids = vec!["\"zz.nope\""; 116_000].join(",");
        let src = format!(
            "{{\"company\": {{\"employees\": 3}},\n \"situation\": {{\"signs\": [{ids}]}}}}"
        );
        let e = Profile::parse(&src, Format::Json, &kb()).expect_err("invalid");
        assert_eq!(e.0.len(), 1, "{:?}", &e.0[..e.0.len().min(3)]);
        assert_eq!(e.0[0].key, "situation.signs");
        assert!(
            e.0[0].message.contains("116000 entries; at most 21"),
            "{}",
            e.0[0].message
        );
        assert_eq!(
            e.0[0].position,
            Some(Position {
                line: 2,
                column: 25
            })
        );

        let tags = vec!["\"x\""; MAX_TAGS + 1].join(", ");
        let src = format!("[company]\nemployees = 3\n[leadership]\nceo_gaps = [{tags}]\n");
        let e = Profile::parse(&src, Format::Toml, &kb()).expect_err("invalid");
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].key, "leadership.ceo_gaps");
        assert_eq!(
            e.0[0].position,
            Some(Position {
                line: 4,
                column: 12
            })
        );
    }

    #[test]
    fn many_problems_are_cut_to_a_list_and_a_count() {
        // 21 unknown signs, 6 unknown events, 50 bad gaps and objectives: 1 + 21 + 6 +
        // 200 problems, more than are listed.
        let signs = (0..21)
            .map(|i| format!("\"s{i}\""))
            .collect::<Vec<_>>()
            .join(",");
        let events = (0..6)
            .map(|i| format!("\"e{i}\""))
            .collect::<Vec<_>>()
            .join(",");
        let bad = vec!["\"\\u0001\""; 50].join(",");
        let src = format!(
            "{{\"company\":{{\"employees\":0}},\"situation\":{{\"signs\":[{signs}],\"events\":[{events}]}},\
             \"leadership\":{{\"ceo_gaps\":[{bad}],\"ceo_strengths\":[{bad}]}},\
             \"objectives\":{{\"short_term\":[{bad}],\"long_term\":[{bad}]}}}}"
        );
        let e = Profile::parse(&src, Format::Json, &kb()).expect_err("invalid");
        assert_eq!(e.0.len(), crate::diag::MAX_LISTED + 1);
        let last = e.0.last().expect("a last line");
        assert_eq!(
            last.message,
            "and 178 more problems not listed: fix these first"
        );
        assert!(
            e.0[..crate::diag::MAX_LISTED]
                .iter()
                .all(|d| d.position.is_some())
        );
    }

    #[test]
    fn whole_numbers_may_carry_a_zero_fraction() {
        let json =
            r#"{"company": {"employees": 4.0}, "leadership": {"ceo_experience_years": 2.0}}"#;
        let toml = "[company]\nemployees = 4.0\n[leadership]\nceo_experience_years = 2.0\n";
        for (src, format) in [(json, Format::Json), (toml, Format::Toml)] {
            let p = Profile::parse(src, format, &kb()).expect("4.0 is 4");
            assert_eq!(p.company.employees, 4);
            assert_eq!(p.leadership.ceo_experience_years, Some(2));
            // Written back as the integers they are.
            let text = p.to_toml().expect("serialises");
            assert!(text.contains("employees = 4\n"), "{text}");
            assert!(text.contains("ceo_experience_years = 2\n"), "{text}");
            let back = serde_json::to_string(&p).expect("serialises");
            assert!(back.contains(r#""employees":4,"#), "{back}");
            assert!(back.contains(r#""ceo_experience_years":2,"#), "{back}");
        }
        // Plain integers and an explicit null still read as before.
        let p = Profile::parse(
            r#"{"company": {"employees": 7}, "leadership": {"ceo_experience_years": null}}"#,
            Format::Json,
            &kb(),
        )
        .expect("valid");
        assert_eq!(
            (p.company.employees, p.leadership.ceo_experience_years),
            (7, None)
        );
    }

    #[test]
    fn a_fraction_where_a_whole_number_belongs_is_an_error() {
        for (src, format, got) in [
            (r#"{"company": {"employees": 4.5}}"#, Format::Json, "4.5"),
            ("[company]\nemployees = 4.5\n", Format::Toml, "4.5"),
            (
                r#"{"company": {"employees": 3}, "leadership": {"ceo_experience_years": 2.5}}"#,
                Format::Json,
                "2.5",
            ),
            (
                r#"{"company": {"employees": 1e-300}}"#,
                Format::Json,
                "1e-300",
            ),
        ] {
            let e = Profile::parse(src, format, &kb()).expect_err("a fraction");
            assert_eq!(e.0.len(), 1, "{e:?}");
            assert_eq!(
                e.0[0].message,
                format!("must be a whole number (got {got})"),
                "{src}"
            );
            assert!(e.0[0].position.is_some(), "{src}");
        }
        for src in [
            r#"{"company": {"employees": 1e300}}"#,
            r#"{"company": {"employees": 18446744073709551615}}"#,
        ] {
            let e = Profile::parse(src, Format::Json, &kb()).expect_err("too large");
            assert!(e.0[0].message.ends_with("is too large"), "{e:?}");
        }
        let e = Profile::parse(r#"{"company": {"employees": "4"}}"#, Format::Json, &kb())
            .expect_err("a string");
        assert!(
            e.0[0].message.contains("expected a whole number"),
            "{:?}",
            e.0[0]
        );
    }

    #[test]
    fn json_numbers_are_read_exactly() {
        // 999999999999999.9 is below the 1e15 limit; a parser rounding it to 1e15 (as
        // serde_json does without `float_roundtrip`) would refuse it.
        let src = r#"{"company": {"employees": 3, "annual_revenue_usd": 999999999999999.9}}"#;
        let p = Profile::parse(src, Format::Json, &kb()).expect("below the limit");
        assert_eq!(p.company.annual_revenue_usd, Some(999_999_999_999_999.9));
        let src = r#"{"company": {"employees": 3, "annual_revenue_usd": 1e15}}"#;
        assert!(Profile::parse(src, Format::Json, &kb()).is_err());
    }

    #[test]
    fn free_text_is_measured_in_characters() {
        // 20,000 two-byte characters are 40,000 bytes and within the limit.
        let at_limit = "é".repeat(MAX_TEXT);
        let src = serde_json::json!({"company": {"employees": 3, "name": at_limit}}).to_string();
        assert!(Profile::parse(&src, Format::Json, &kb()).is_ok());
        let over = "é".repeat(MAX_TEXT + 1);
        let src = serde_json::json!({"company": {"employees": 3},
            "leadership": {"ceo_gaps": ["ops", over]}})
        .to_string();
        let e = Profile::parse(&src, Format::Json, &kb()).expect_err("too long");
        assert_eq!(e.0.len(), 1, "{e:?}");
        assert_eq!(e.0[0].key, "leadership.ceo_gaps[1]");
        assert_eq!(e.0[0].message, "is longer than 20,000 characters");
        assert!(!exceeds_max_text(&"a".repeat(MAX_TEXT)));
        assert!(exceeds_max_text(&"a".repeat(MAX_TEXT + 1)));
    }

    #[test]
    fn every_semantic_problem_is_reported() {
        let src =
            "[company]\nemployees = 0\n[situation]\nsigns = [\"x.y\"]\nevents = [\"mergr\"]\n";
        let e = Profile::parse(src, Format::Toml, &kb()).expect_err("invalid");
        assert_eq!(e.0.len(), 3, "{e:?}");
        assert_eq!(e.0[2].suggestion.as_deref(), Some("merger"));
    }

    #[test]
    fn sections_are_tables_never_lists() {
        let kb = KnowledgeBase::default_kb();
        for (src, format) in [
            (
                r#"{"company":{"employees":1},"situation":[]}"#,
                Format::Json,
            ),
            (r#"{"company":[1]}"#, Format::Json),
            (
                r#"{"company":{"employees":1},"situation":{"narrative_signs":[["coo.firefighting"]]}}"#,
                Format::Json,
            ),
            ("situation = []\n[company]\nemployees = 1\n", Format::Toml),
        ] {
            let e = Profile::parse(src, format, &kb).expect_err(src);
            assert!(
                e.0.iter().any(|d| d.message.contains("expected a table")),
                "{src}: {e:?}"
            );
        }
    }
}
