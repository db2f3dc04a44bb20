//! The one error type of the web layer, rendered as RFC 9457 `application/problem+json`.
//! Internal details are logged, never sent.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use nextseat_core::Diagnostics;
use serde::Serialize;

/// One invalid value, located.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The dotted key.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// 1-based line in the request body, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The closest valid id, for an unknown id.
    pub suggestion: Option<String>,
}

/// Everything a request can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the body is not JSON, or a header is malformed.
    BadRequest(String),
    /// 403: a cross-site request that would change data.
    Forbidden(String),
    /// 404.
    NotFound,
    /// 413: the body is over the limit.
    TooLarge,
    /// 415: not `application/json`.
    UnsupportedMediaType,
    /// 422: valid JSON, invalid values.
    Invalid(Vec<FieldError>),
    /// 422: an Idempotency-Key reused with a different request.
    IdempotencyConflict,
    /// 429: too many requests from this client; retry after this many seconds.
    TooManyRequests(u64),
    /// 500: logged, not shown.
    Internal(String),
    /// 503: the database does not accept writes (said, since only operators see it).
    Unavailable(String),
}

/// An RFC 9457 problem document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// A short summary.
    title: &'static str,
    /// The HTTP status.
    status: u16,
    /// What went wrong, in words.
    detail: String,
    /// Each invalid value (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
}

impl From<Diagnostics> for ApiError {
    fn from(d: Diagnostics) -> ApiError {
        ApiError::Invalid(
            d.0.into_iter()
                .map(|d| FieldError {
                    key: d.key,
                    message: d.message,
                    line: d.position.map(|p| p.line),
                    column: d.position.map(|p| p.column),
                    suggestion: d.suggestion,
                })
                .collect(),
        )
    }
}

impl From<nextseat_store::StoreError> for ApiError {
    fn from(e: nextseat_store::StoreError) -> ApiError {
        match e {
            nextseat_store::StoreError::IdempotencyConflict => ApiError::IdempotencyConflict,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, title, detail, errors) = match self {
            ApiError::BadRequest(d) => (StatusCode::BAD_REQUEST, "Malformed request", d, vec![]),
            ApiError::Forbidden(d) => (StatusCode::FORBIDDEN, "Forbidden", d, vec![]),
            ApiError::Unavailable(d) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable",
                d,
                vec![],
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing at this address.".to_string(),
                vec![],
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request too large",
                format!("The body is over the {} byte limit.", crate::BODY_LIMIT),
                vec![],
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                "Send the profile as application/json.".to_string(),
                vec![],
            ),
            ApiError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid profile",
                format!("{} problem(s) in the profile; see errors.", errors.len()),
                errors,
            ),
            ApiError::IdempotencyConflict => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Idempotency-Key reused",
                "This Idempotency-Key was already used with a different request.".to_string(),
                vec![],
            ),
            ApiError::TooManyRequests(wait) => {
                let mut r = (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::CONTENT_TYPE, "application/problem+json")],
                    Json(Problem {
                        kind: "about:blank",
                        title: "Too many requests",
                        status: 429,
                        detail: format!("Slow down: retry in {wait} second(s)."),
                        errors: vec![],
                    }),
                )
                    .into_response();
                if let Ok(v) = wait.max(1).to_string().parse() {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return r;
            }
            ApiError::Internal(why) => {
                tracing::error!(error = %why, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error",
                    "Something went wrong on our side; the request was not completed.".to_string(),
                    vec![],
                )
            }
        };
        let body = Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
            errors,
        };
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(body),
        )
            .into_response()
    }
}

/// The fallback for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}
