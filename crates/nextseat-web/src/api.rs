//! The JSON API: `POST /api/v1/assess`, `POST /api/v1/assessments`,
//! `GET /api/v1/assessments/{id}`.

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use nextseat_core::{Format, KnowledgeBase, Profile, assess};
use nextseat_store::{AssessmentStore, Saved};
use serde::Serialize;
use std::sync::Arc;

/// The API routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/assess", post(assess_once))
        .route("/api/v1/assessments", post(create))
        .route("/api/v1/assessments/{id}", get(fetch))
}

/// Longest accepted Idempotency-Key.
pub const MAX_KEY: usize = 255;

/// Checks the content type and reads the body as JSON text: 415 for a wrong type, 413
/// over the limit, 400 for a body that is not UTF-8 or not JSON.
pub fn read_json(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<String, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest("the request body could not be read".into())
        }
    })?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::BadRequest("the body is not UTF-8 text".into()))?;
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
        return Err(ApiError::BadRequest(format!(
            "the body is not valid JSON: {e}"
        )));
    }
    Ok(text)
}

/// Reads the body as JSON ([`read_json`]) and parses it into a validated profile: 422
/// for invalid values, each named by its key.
pub fn read_profile(
    kb: &KnowledgeBase,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(Profile, String), ApiError> {
    let text = read_json(headers, body)?;
    let profile = Profile::parse(&text, Format::Json, kb)?;
    Ok((profile, text))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all("idempotency-key").iter();
    let Some(v) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::BadRequest(
            "Idempotency-Key must be sent once; this request has it more than once".into(),
        ));
    }
    let key = v
        .to_str()
        .map_err(|_| ApiError::BadRequest("Idempotency-Key must be printable ASCII".into()))?;
    if key.is_empty() || key.len() > MAX_KEY || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_KEY} printable ASCII characters without spaces"
        )));
    }
    Ok(Some(key.to_string()))
}

/// Assess a profile; nothing is stored.
#[utoipa::path(post, path = "/api/v1/assess", operation_id = "assess", tag = "api",
    request_body(content = crate::schema::Profile, content_type = "application/json",
        description = "A company profile (the contract's profile, as JSON)"),
    responses(
        (status = 200, description = "The assessment (the contract's assess JSON)", body = crate::schema::Assessment),
        crate::error::ProfileErrors
    ))]
pub async fn assess_once(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let kb = Arc::clone(&state.kb);
    json_answer(&state, move || {
        let (profile, _) = read_profile(&kb, &headers, body)?;
        Ok(assess(&kb, &profile))
    })
    .await
}

/// Runs `work` on the CPU pool and answers 200 with its result as JSON.
pub async fn json_answer<T: Serialize>(
    state: &AppState,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let bytes = state
        .cpu(move || serde_json::to_vec(&work()?).map_err(|e| ApiError::Internal(e.to_string())))
        .await??;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// The value of `Idempotent-Replayed`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum Replayed {
    /// This answers a repeat.
    #[serde(rename = "true")]
    True,
}

/// The body of a 201.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    /// The new id.
    pub id: String,
    /// The assessment, exactly as stored (the `assess` JSON of the contract).
    #[schema(value_type = crate::schema::Assessment)]
    pub result: Box<serde_json::value::RawValue>,
    /// Where the HTML report is.
    pub report_url: String,
}

fn raw(text: &str) -> Result<Box<serde_json::value::RawValue>, ApiError> {
    serde_json::value::RawValue::from_string(text.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Assess a profile and store it durably. An `Idempotency-Key` header makes retries safe.
#[utoipa::path(post, path = "/api/v1/assessments", operation_id = "create_assessment", tag = "api",
    request_body(content = crate::schema::Profile, content_type = "application/json",
        description = "A company profile (the contract's profile, as JSON)"),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
        description = "Retry-safe key: 1 to 255 printable ASCII characters without spaces, sent at most once. A repeat with the same request returns the first result (201, `Idempotent-Replayed: true`); with a different request it is refused (422).")),
    responses(
        (status = 201, description = "Stored: a 201 means the assessment is durably on disk", body = Created,
            headers(
                ("Location" = String, description = "The stored assessment's address in the API"),
                ("Idempotent-Replayed" = inline(Replayed), description = "Present when this answers a repeat of an earlier request with the same Idempotency-Key")
            ),
            links(("stored" = (operation_id = "get_assessment", parameters(("id" = "$response.body#/id")),
                description = "The assessment just stored")))),
        crate::error::ProfileErrors
    ))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let kb = Arc::clone(&state.kb);
    let (request, result_json) = state
        .cpu(move || {
            let (profile, request) = read_profile(&kb, &headers, body)?;
            let result = assess(&kb, &profile);
            let json =
                serde_json::to_string(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok::<_, ApiError>((request, json))
        })
        .await??;
    let saved = state
        .store
        .save(&request, &result_json, key.as_deref())
        .await;
    state.saves.record(saved.as_ref().map(|_| ()));
    let saved = saved?;
    let replayed = matches!(saved, Saved::Replayed(_));
    let s = saved.stored();
    let body = Created {
        id: s.id.clone(),
        result: raw(&s.result)?,
        report_url: format!("/r/{}", s.id),
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    let h = response.headers_mut();
    if let Ok(loc) = format!("/api/v1/assessments/{}", s.id).parse() {
        h.insert(header::LOCATION, loc);
    }
    if replayed {
        h.insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// A stored assessment as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Fetched {
    /// Id.
    pub id: String,
    /// When it was stored (ms since the Unix epoch).
    pub created_at_ms: i64,
    /// The profile as submitted.
    #[schema(value_type = crate::schema::Profile)]
    pub profile: Box<serde_json::value::RawValue>,
    /// The assessment, exactly as stored.
    #[schema(value_type = crate::schema::Assessment)]
    pub result: Box<serde_json::value::RawValue>,
    /// Where the HTML report is.
    pub report_url: String,
}

/// Loads a stored assessment; 404 for an id that is not a UUID or not stored.
pub async fn load(state: &AppState, id: &str) -> Result<nextseat_store::Stored, ApiError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::NotFound);
    }
    state.store.get(id).await?.ok_or(ApiError::NotFound)
}

/// A stored assessment: the profile and the result.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", operation_id = "get_assessment", tag = "api",
    params(("id" = String, Path, description = "The assessment id (a UUID); anything else is 404")),
    responses(
        (status = 200, description = "The stored profile and result", body = Fetched),
        crate::error::LookupErrors
    ))]
pub async fn fetch(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(crate::error::bad_path)?;
    let s = load(&state, &id).await?;
    Ok(Json(Fetched {
        profile: raw(&s.request)?,
        result: raw(&s.result)?,
        report_url: format!("/r/{}", s.id),
        id: s.id,
        created_at_ms: s.created_at_ms,
    })
    .into_response())
}
