//! The questionnaire (`GET /`, `POST /`): every profile field, the signs grouped by seat
//! and explained from the knowledge base, and a narrative box. It works without
//! JavaScript: the server validates, shows each error next to its field and keeps what
//! was typed; a valid submission is assessed, stored, and redirected to its report.
//!
//! A narrative is confirmed before it counts: the first valid submission with words in
//! the narrative box comes back with the signs found in them as ticked suggestions, each
//! with the words that showed it; the founder unticks what is wrong and submits again.
//! The confirmed signs are saved as `situation.narrative_signs` (the narrative is not read
//! again). A hidden `reviewed` key ties the confirmation to the narrative it was made on:
//! edit the narrative and it is read again.

use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::Router;
use axum::extract::{RawForm, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use nextseat_core::ids::{Budget, Growth, Intensity, Market};
use nextseat_core::{Format, KnowledgeBase, Profile, RoleId, assess};
use nextseat_store::AssessmentStore;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(form).post(submit))
        .route("/favicon.ico", get(favicon))
        .route("/assets/questionnaire.js", get(script))
}

/// The questionnaire's script: steps with progress, and the signs read in the
/// narrative as the founder types. The page works without it.
const SCRIPT: &str = include_str!("../assets/questionnaire.js");

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The site's icon (four bars, the last one red), as SVG: the pages also carry it inline,
/// so this answers browsers that ask for `/favicon.ico` regardless.
const FAVICON: &str = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='6' fill='#1d2433'/><rect x='7' y='18' width='4' height='7' fill='#fff'/><rect x='14' y='13' width='4' height='12' fill='#fff'/><rect x='21' y='7' width='4' height='18' fill='#b4412f'/></svg>";

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

/// What the user typed: single values and repeated ones (checkboxes).
#[derive(Default, Debug)]
pub struct Input {
    one: BTreeMap<String, String>,
    many: BTreeMap<String, Vec<String>>,
}

impl Input {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Input {
        let mut input = Input::default();
        for (k, v) in form_urlencoded::parse(body) {
            input
                .many
                .entry(k.to_string())
                .or_default()
                .push(v.to_string());
            input.one.insert(k.into_owned(), v.into_owned());
        }
        input
    }
    fn get(&self, k: &str) -> &str {
        self.one.get(k).map_or("", |s| s.trim())
    }
    fn has(&self, k: &str, v: &str) -> bool {
        self.many.get(k).is_some_and(|l| l.iter().any(|x| x == v))
    }
    fn list(&self, k: &str) -> Vec<String> {
        self.many.get(k).cloned().unwrap_or_default()
    }
    /// The suggestions a confirmation page carried: `phrase.<sign id>` fields, in order.
    fn offered(&self) -> Vec<(String, String)> {
        self.one
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("phrase.")?.to_string(), v.clone())))
            .collect()
    }
}

/// The key that ties a confirmation to the narrative it was made on (FNV-1a of the
/// trimmed text): not a secret, only a check that the text did not change in between.
fn review_key(narrative: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in narrative.trim().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A sign found in the narrative, offered for confirmation.
struct Suggestion {
    id: String,
    label: String,
    phrase: String,
    checked: bool,
}

struct TextField {
    /// The step it is asked in: `company`, `leadership` or `objectives`.
    section: &'static str,
    name: &'static str,
    label: &'static str,
    help: &'static str,
    mode: &'static str,
    value: String,
    error: Option<String>,
}

struct SelectField {
    name: &'static str,
    label: &'static str,
    options: Vec<(&'static str, bool)>,
}

struct SignBox {
    id: String,
    label: String,
    explain: String,
    checked: bool,
}

struct Group {
    title: String,
    /// The seat's short name, for the step list.
    short: String,
    signs: Vec<SignBox>,
}

#[derive(Template)]
#[template(path = "questionnaire.html")]
struct Page {
    errors: Vec<String>,
    text_fields: Vec<TextField>,
    selects: Vec<SelectField>,
    roles: Vec<(&'static str, String, bool)>,
    flags: Vec<(&'static str, &'static str, bool)>,
    groups: Vec<Group>,
    events: Vec<SignBox>,
    narrative: String,
    narrative_error: Option<String>,
    suggestions: Vec<Suggestion>,
    reviewed: String,
    /// Narrative, company, leadership, one step per seat's signs, and what lies ahead.
    total_steps: usize,
}

/// The typed fields: step, name, label, help, input mode.
const TEXT: &[(&str, &str, &str, &str, &str)] = &[
    ("company", "name", "Company name", "Optional.", "text"),
    (
        "company",
        "employees",
        "Employees",
        "Required: how many people work here.",
        "numeric",
    ),
    (
        "company",
        "annual_revenue_usd",
        "Annual revenue (USD)",
        "Optional: 2500000, $2.5M or 800k.",
        "text",
    ),
    (
        "company",
        "industry",
        "Industry",
        "Optional, in your words.",
        "text",
    ),
    (
        "leadership",
        "ceo_experience_years",
        "CEO's years of experience as CEO",
        "Optional.",
        "numeric",
    ),
    (
        "leadership",
        "ceo_strengths",
        "CEO's strengths",
        "Optional, separated by commas: vision, sales.",
        "text",
    ),
    (
        "leadership",
        "ceo_gaps",
        "CEO's gaps",
        "Optional, separated by commas: operations, finance.",
        "text",
    ),
    (
        "objectives",
        "short_term",
        "Short-term objectives",
        "Optional, separated by semicolons.",
        "text",
    ),
    (
        "objectives",
        "long_term",
        "Long-term objectives",
        "Optional, separated by semicolons.",
        "text",
    ),
];

fn page(kb: &KnowledgeBase, input: &Input, errors: &BTreeMap<String, String>) -> Page {
    let sel = |name: &'static str, label: &'static str, ids: Vec<&'static str>, default: &str| {
        let chosen = if input.get(name).is_empty() {
            default
        } else {
            input.get(name)
        };
        SelectField {
            name,
            label,
            options: ids.into_iter().map(|o| (o, o == chosen)).collect(),
        }
    };
    let groups = RoleId::SEATS
        .iter()
        .map(|seat| Group {
            title: format!(
                "Signs you need {} {}",
                nextseat_report::article(&kb.role(*seat).name),
                kb.role(*seat).name
            ),
            short: kb.role(*seat).short_name.clone(),
            signs: kb
                .signs
                .iter()
                .filter(|s| s.seat == *seat)
                .map(|s| SignBox {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    explain: s.explain.clone(),
                    checked: input.has("signs", &s.id),
                })
                .collect(),
        })
        .collect();
    Page {
        errors: errors.values().cloned().collect(),
        text_fields: TEXT
            .iter()
            .map(|(section, name, label, help, mode)| TextField {
                section,
                name,
                label,
                help,
                mode,
                value: input.get(name).to_string(),
                error: errors.get(*name).cloned(),
            })
            .collect(),
        selects: vec![
            sel(
                "operational_intensity",
                "How operationally intensive is the business?",
                Intensity::ids(),
                "medium",
            ),
            sel(
                "market",
                "How competitive is the market?",
                Market::ids(),
                "competitive",
            ),
            sel("growth", "Growth", Growth::ids(), "steady"),
            sel("budget", "Budget for leadership", Budget::ids(), "moderate"),
        ],
        roles: RoleId::SEATS
            .iter()
            .map(|r| {
                (
                    r.as_str(),
                    kb.role(*r).name.clone(),
                    input.has("current_roles", r.as_str()),
                )
            })
            .collect(),
        flags: vec![
            (
                "ceo_plans_to_step_down",
                "The CEO plans to step down",
                input.has("ceo_plans_to_step_down", "true"),
            ),
            (
                "retain_key_executive",
                "A key executive might leave for a competitor",
                input.has("retain_key_executive", "true"),
            ),
        ],
        groups,
        events: kb
            .events
            .iter()
            .map(|e| SignBox {
                id: e.id.clone(),
                label: e.label.clone(),
                explain: e.explain.clone(),
                checked: input.has("events", &e.id),
            })
            .collect(),
        narrative: input.get("narrative").to_string(),
        narrative_error: errors.get("narrative").cloned(),
        suggestions: input
            .offered()
            .into_iter()
            .map(|(id, phrase)| Suggestion {
                label: kb.sign(&id).map_or_else(|| id.clone(), |s| s.label.clone()),
                checked: input.has("narrative_signs", &id),
                id,
                phrase,
            })
            .collect(),
        reviewed: input.get("reviewed").to_string(),
        total_steps: RoleId::SEATS.len() + 4,
    }
}

/// The page again, with the signs `found` in the narrative offered, all ticked.
fn confirmation(
    kb: &KnowledgeBase,
    input: &Input,
    found: Vec<nextseat_core::text::narrative::Finding>,
) -> Page {
    let mut p = page(kb, input, &BTreeMap::new());
    p.reviewed = review_key(input.get("narrative"));
    p.suggestions = found
        .into_iter()
        .map(|f| Suggestion {
            label: kb
                .sign(&f.id)
                .map_or_else(|| f.id.clone(), |s| s.label.clone()),
            id: f.id,
            phrase: f.phrase,
            checked: true,
        })
        .collect();
    p
}

fn render(p: &Page, status: StatusCode) -> Result<Response, ApiError> {
    let html = p.render().map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((status, Html(html)).into_response())
}

async fn form(State(state): State<AppState>) -> Result<Response, ApiError> {
    render(
        &page(&state.kb, &Input::default(), &BTreeMap::new()),
        StatusCode::OK,
    )
}

/// Turns the form into a profile JSON document, collecting errors for fields whose
/// text is not a number where one is needed.
pub fn to_profile_json(input: &Input) -> (Value, BTreeMap<String, String>) {
    let mut errors = BTreeMap::new();
    fn number(
        input: &Input,
        errors: &mut BTreeMap<String, String>,
        name: &str,
        whole: bool,
    ) -> Option<Value> {
        // The same reading as batch rows and the interview: "2.5M", "$800k", "1,200".
        let raw = input.get(name);
        let parsed = if whole {
            nextseat_core::values::whole(raw).map(|v| v.map(Value::from))
        } else {
            nextseat_core::values::amount(raw).map(|v| v.map(Value::from))
        };
        match parsed {
            Ok(v) => v,
            Err(what) => {
                errors.insert(name.to_string(), format!("Enter {what}."));
                None
            }
        }
    }
    let split = |name: &str, sep: char| -> Vec<String> {
        input
            .get(name)
            .split(sep)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut company = Map::new();
    if !input.get("name").is_empty() {
        company.insert("name".into(), json!(input.get("name")));
    }
    if !input.get("industry").is_empty() {
        company.insert("industry".into(), json!(input.get("industry")));
    }
    match number(input, &mut errors, "employees", true) {
        Some(v) => {
            company.insert("employees".into(), v);
        }
        None => {
            errors
                .entry("employees".into())
                .or_insert_with(|| "Enter how many people work here.".into());
            company.insert("employees".into(), json!(1));
        }
    }
    if let Some(v) = number(input, &mut errors, "annual_revenue_usd", false) {
        company.insert("annual_revenue_usd".into(), v);
    }
    for k in ["operational_intensity", "market", "growth"] {
        if !input.get(k).is_empty() {
            company.insert(k.into(), json!(input.get(k)));
        }
    }
    let mut roles = vec!["ceo".to_string()];
    roles.extend(input.list("current_roles"));
    let mut leadership = Map::new();
    leadership.insert("current_roles".into(), json!(roles));
    if let Some(v) = number(input, &mut errors, "ceo_experience_years", true) {
        leadership.insert("ceo_experience_years".into(), v);
    }
    leadership.insert("ceo_strengths".into(), json!(split("ceo_strengths", ',')));
    leadership.insert("ceo_gaps".into(), json!(split("ceo_gaps", ',')));
    leadership.insert(
        "ceo_plans_to_step_down".into(),
        json!(input.has("ceo_plans_to_step_down", "true")),
    );
    leadership.insert(
        "retain_key_executive".into(),
        json!(input.has("retain_key_executive", "true")),
    );
    let mut situation = Map::new();
    situation.insert("signs".into(), json!(input.list("signs")));
    situation.insert("events".into(), json!(input.list("events")));
    if !input.get("budget").is_empty() {
        situation.insert("budget".into(), json!(input.get("budget")));
    }
    let narrative = input.get("narrative");
    if !narrative.is_empty() {
        situation.insert("narrative".into(), json!(narrative));
        if input.get("reviewed") == review_key(narrative) {
            let confirmed: Vec<Value> = input
                .offered()
                .into_iter()
                .filter(|(id, _)| input.has("narrative_signs", id))
                .map(|(id, phrase)| json!({"id": id, "phrase": phrase}))
                .collect();
            situation.insert("narrative_signs".into(), Value::Array(confirmed));
        }
    }
    let doc = json!({
        "company": company,
        "leadership": leadership,
        "situation": situation,
        "objectives": {"short_term": split("short_term", ';'), "long_term": split("long_term", ';')},
    });
    (doc, errors)
}

/// The form field a profile key belongs to (`company.employees` → `employees`).
fn field_of(key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    last.split('[').next().unwrap_or(last).to_string()
}

async fn submit(
    State(state): State<AppState>,
    form: Result<RawForm, axum::extract::rejection::RawFormRejection>,
) -> Result<Response, ApiError> {
    let RawForm(body) = form.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else if r.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            ApiError::UnsupportedMediaType
        } else {
            ApiError::BadRequest("the form could not be read".into())
        }
    })?;
    let kb = std::sync::Arc::clone(&state.kb);
    let checked = state
        .cpu(move || {
            let input = Input::parse(&body);
            let (doc, mut errors) = to_profile_json(&input);
            let text = doc.to_string();
            let profile = match Profile::parse(&text, Format::Json, &kb) {
                Ok(p) => Some(p),
                Err(d) => {
                    for e in d.0 {
                        let msg = match &e.suggestion {
                            Some(s) => format!("{} (did you mean {s}?)", e.message),
                            None => e.message.clone(),
                        };
                        errors.entry(field_of(&e.key)).or_insert(msg);
                    }
                    None
                }
            };
            let Some(mut profile) = profile.filter(|_| errors.is_empty()) else {
                let again = render(
                    &page(&kb, &input, &errors),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )?;
                return Ok(Err(again));
            };
            let mut text = text;
            if profile.situation.narrative_signs.is_none()
                && let Some(narrative) = profile.situation.narrative.as_deref()
            {
                let ticked = &profile.situation.signs;
                let found: Vec<_> = kb
                    .diagnose(narrative)
                    .signs
                    .into_iter()
                    .filter(|f| !ticked.contains(&f.id))
                    .collect();
                if !found.is_empty() {
                    let again = render(&confirmation(&kb, &input, found), StatusCode::OK)?;
                    return Ok(Err(again));
                }
                // Nothing to confirm: the narrative is kept and not read again.
                profile.situation.narrative_signs = Some(Vec::new());
                text = serde_json::to_string(&profile)
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            }
            let result = assess(&kb, &profile);
            let json =
                serde_json::to_string(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok::<_, ApiError>(Ok((text, json)))
        })
        .await??;
    // A form with problems is shown again, each next to its field.
    let (text, result_json) = match checked {
        Ok(valid) => valid,
        Err(again) => return Ok(again),
    };
    let saved = state.store.save(&text, &result_json, None).await;
    state.saves.record(saved.as_ref().map(|_| ()));
    let saved = saved?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/r/{}", saved.stored().id))],
    )
        .into_response())
}
