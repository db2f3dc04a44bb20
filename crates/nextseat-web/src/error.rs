//! The one error type of the web layer, rendered as RFC 9457 `application/problem+json`.
//! Internal details are logged, never sent.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use nextseat_core::Diagnostics;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::RefOr;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response as DocResponse, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref};

/// One invalid value, located.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The dotted key.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// 1-based line in the request body, when known.
    #[schema(required = true, minimum = 1)]
    pub line: Option<usize>,
    /// 1-based column, when known.
    #[schema(required = true, minimum = 1)]
    pub column: Option<usize>,
    /// The closest valid id, for an unknown id.
    #[schema(required = true)]
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
    /// 422: valid JSON, invalid values in a profile.
    Invalid(Vec<FieldError>),
    /// 422: valid JSON, invalid values in another kind of request body.
    InvalidRequest(Vec<FieldError>),
    /// 422: an Idempotency-Key reused with a different request.
    IdempotencyConflict,
    /// 429: too many requests from this client; retry after this many seconds.
    TooManyRequests(u64),
    /// 500: logged, not shown.
    Internal(String),
    /// 503: the database does not accept writes (said, since only operators see it).
    Unavailable(String),
    /// Any other status (a 405, a 408, or a bare error from a layer), with what happened
    /// in words. A 5xx's words are logged, not sent.
    Status(StatusCode, String),
}

/// An RFC 9457 problem document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^about:blank$")]
    kind: &'static str,
    /// A short summary.
    title: &'static str,
    /// The HTTP status.
    #[schema(minimum = 400, maximum = 599)]
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
                "Send the body as application/json.".to_string(),
                vec![],
            ),
            ApiError::Invalid(errors) => invalid("profile", errors),
            ApiError::InvalidRequest(errors) => invalid("request", errors),
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
            ApiError::Status(status, detail) => {
                let status = if status.is_client_error() || status.is_server_error() {
                    status
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                let detail = if status.is_server_error() {
                    tracing::error!(status = status.as_u16(), error = %detail, "server error");
                    "Something went wrong on our side; the request was not completed.".to_string()
                } else {
                    detail
                };
                (
                    status,
                    status.canonical_reason().unwrap_or("Error"),
                    detail,
                    vec![],
                )
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

/// A 422's title, detail and errors, for a profile or another request body.
fn invalid(
    what: &str,
    errors: Vec<FieldError>,
) -> (StatusCode, &'static str, String, Vec<FieldError>) {
    let title = if what == "profile" {
        "Invalid profile"
    } else {
        "Invalid request"
    };
    let detail = format!(
        "{} in the {what}; see errors.",
        nextseat_report::count(errors.len() as u64, "problem", "problems")
    );
    (StatusCode::UNPROCESSABLE_ENTITY, title, detail, errors)
}

/// The fallback for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// Turns every error response that is not already a problem document (or an HTML page
/// meant for a person) into one with the same status and headers: axum's own rejections
/// and its 405 (which keeps `Allow`), the timeout layer's 408, and anything else a layer
/// answers with plain text or nothing.
pub async fn problems(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = request.method().clone();
    let site = is_site_path(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let media = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if media.starts_with("text/html") {
        return response;
    }
    let response = if media.starts_with("application/problem+json") {
        if !site {
            return response;
        }
        response
    } else {
        as_problem(response, &method).await
    };
    if site {
        as_page(response).await
    } else {
        response
    }
}

/// Whether `path` is one of the site's pages (or no route at all outside the API): its
/// errors are HTML pages a person can read and leave, not problem documents.
pub fn is_site_path(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/") || path == "/healthz")
}

/// An error page: the problem's title and detail, with the site's navigation and a way
/// back. Same status and headers (`Allow`, `Retry-After`).
async fn as_page(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let problem: Option<serde_json::Value> = axum::body::to_bytes(body, 64 * 1024)
        .await
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let field = |k: &str| {
        problem
            .as_ref()
            .and_then(|p| p.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let status = parts.status;
    let page = ErrorPage {
        title: field("title")
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_string()),
        detail: field("detail").unwrap_or_default(),
        status: status.as_u16(),
    };
    let html = askama::Template::render(&page).unwrap_or_else(|_| {
        format!("<!doctype html><title>Error {status}</title><p>Error {status}. <a href=\"/\">Home</a></p>")
    });
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let mut response = Response::new(axum::body::Body::from(html));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    detail: String,
    status: u16,
}

/// Any error answer that is not a problem document, as one (same status and headers).
async fn as_problem(response: Response, method: &axum::http::Method) -> Response {
    let status = response.status();
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let detail = match status {
        // The router adds `Allow` after this layer has run, and keeps it.
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("This address does not accept {method}; the Allow header lists what it does.")
        }
        StatusCode::REQUEST_TIMEOUT => format!(
            "The request took longer than {} seconds and was stopped.",
            crate::REQUEST_TIMEOUT.as_secs()
        ),
        s if s.is_client_error() => text.unwrap_or_else(|| {
            format!(
                "The request was refused: {}.",
                s.canonical_reason().unwrap_or("client error")
            )
        }),
        _ => text.unwrap_or_else(|| "no details".to_string()),
    };
    let problem = ApiError::Status(status, detail).into_response();
    let (new_parts, new_body) = problem.into_parts();
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::TRANSFER_ENCODING);
    for (name, value) in &new_parts.headers {
        headers.insert(name.clone(), value.clone());
    }
    let mut response = Response::from_parts(new_parts, new_body);
    *response.headers_mut() = headers;
    response
}

/// What each error status means, as the OpenAPI document says it.
fn describe(status: u16) -> &'static str {
    match status {
        400 => "Malformed request: the body is not JSON, a header or the address is malformed",
        403 => "A cross-site request that would change data (Origin or Sec-Fetch-Site say so)",
        404 => "There is nothing at this address",
        408 => "The request took longer than 10 seconds",
        413 => "The body is over 1 MiB",
        415 => "The body is not application/json",
        422 => {
            "Invalid values, each located; or an Idempotency-Key reused with a different request"
        }
        429 => {
            "Rate limited (when the server runs with a rate limit): retry after Retry-After seconds"
        }
        500 => "Something went wrong on the server's side; details are logged, not sent",
        503 => "The database does not answer or does not accept writes",
        _ => "An error",
    }
}

/// The documented error responses with these statuses, each a [`Problem`].
pub fn problem_responses(statuses: &[u16]) -> BTreeMap<String, RefOr<DocResponse>> {
    error_responses(statuses, false)
}

/// The documented error responses of a site page: the same statuses, as HTML pages.
pub fn page_responses(statuses: &[u16]) -> BTreeMap<String, RefOr<DocResponse>> {
    error_responses(statuses, true)
}

fn error_responses(statuses: &[u16], html: bool) -> BTreeMap<String, RefOr<DocResponse>> {
    statuses
        .iter()
        .map(|&status| {
            let content = if html {
                (
                    "text/html",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
            } else {
                (
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
            };
            let mut response = ResponseBuilder::new()
                .description(describe(status))
                .content(content.0, content.1);
            if status == 429 {
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Some(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(1)),
                        ))
                        .description(Some("Seconds to wait before trying again"))
                        .build(),
                );
            }
            (status.to_string(), RefOr::T(response.build()))
        })
        .collect()
}

macro_rules! error_responses {
    ($($(#[$m:meta])* $name:ident => $make:ident [$($status:literal),+];)+) => {
        $(
            $(#[$m])*
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
                    $make(&[$($status),+])
                }
            }
        )+
    };
}

error_responses! {
    /// The errors of a route that reads a profile from a JSON body.
    ProfileErrors => problem_responses [400, 403, 408, 413, 415, 422, 429, 500];
    /// The errors of a route that reads a stored assessment by id.
    LookupErrors => problem_responses [400, 404, 408, 429, 500];
    /// The errors of `/healthz`.
    HealthErrors => problem_responses [408, 429, 503];
    /// The errors of a page or document built by the server alone.
    PageErrors => problem_responses [408, 429, 500];
    /// The errors of a page that reads a query string.
    QueryErrors => problem_responses [400, 408, 429, 500];
    /// The errors of a site page that reads a stored assessment by id, as HTML pages.
    SiteLookupErrors => page_responses [400, 404, 408, 429, 500];
    /// The errors of a site page built by the server alone, as HTML pages.
    SitePageErrors => page_responses [408, 429, 500];
    /// The errors of a site page that reads a query string, as HTML pages.
    SiteQueryErrors => page_responses [400, 408, 429, 500];
}

/// A rejection's own words, without axum's "Failed to …: " lead-in.
pub fn rejection_words(text: &str) -> &str {
    text.split_once(": ").map_or(text, |(_, rest)| rest)
}

/// A path that could not be read (bad percent-encoding, not UTF-8): 400.
pub fn bad_path(r: axum::extract::rejection::PathRejection) -> ApiError {
    let status = r.status();
    let text = r.body_text();
    if status.is_server_error() {
        return ApiError::Internal(text);
    }
    ApiError::BadRequest(format!(
        "the address could not be read: {}",
        rejection_words(&text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn through_problems(answer: Response) -> (StatusCode, header::HeaderMap, String) {
        through_problems_at("/api/x", answer).await
    }

    async fn through_problems_at(
        path: &'static str,
        answer: Response,
    ) -> (StatusCode, header::HeaderMap, String) {
        let answer = std::sync::Mutex::new(Some(answer));
        let answer = std::sync::Arc::new(answer);
        let app = Router::new()
            .route(
                path,
                get(move || {
                    let answer = std::sync::Arc::clone(&answer);
                    async move {
                        answer
                            .lock()
                            .ok()
                            .and_then(|mut a| a.take())
                            .unwrap_or_default()
                    }
                }),
            )
            .layer(axum::middleware::from_fn(problems));
        let res = app
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    #[tokio::test]
    async fn site_errors_become_pages_with_a_way_back_and_keep_their_headers() {
        let (status, headers, body) =
            through_problems_at("/r/x", ApiError::NotFound.into_response()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(body.contains("<h1>Not found</h1>"), "{body}");
        assert!(body.contains("There is nothing at this address."));
        assert!(body.contains("href=\"/\""), "a way back");
        let limited = (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "3")],
            "slow down",
        )
            .into_response();
        let (status, headers, body) = through_problems_at("/roles", limited).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers[header::RETRY_AFTER], "3");
        assert!(body.contains("slow down"), "{body}");
        assert!(!is_site_path("/api/v1/assess") && !is_site_path("/healthz"));
        assert!(is_site_path("/nope") && is_site_path("/r/1"));
    }

    #[tokio::test]
    async fn bare_errors_become_problem_documents_with_their_headers() {
        // The timeout layer's 408 has an empty body.
        let (status, headers, body) =
            through_problems(StatusCode::REQUEST_TIMEOUT.into_response()).await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(v["status"], 408);
        assert_eq!(v["title"], "Request Timeout");
        assert!(
            v["detail"]
                .as_str()
                .is_some_and(|d| d.contains("10 seconds"))
        );

        // A plain-text rejection keeps its words and its other headers.
        let plain = (
            StatusCode::BAD_REQUEST,
            [(header::RETRY_AFTER, "3")],
            "Failed to parse the request: odd",
        )
            .into_response();
        let (status, headers, body) = through_problems(plain).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(headers[header::RETRY_AFTER], "3");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(v["detail"], "Failed to parse the request: odd");

        // A 5xx's words are not sent.
        let (status, _, body) = through_problems(
            (StatusCode::BAD_GATEWAY, "upstream at 10.0.0.7 refused").into_response(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert!(!body.contains("10.0.0.7"), "{body}");

        // Problem documents, HTML pages and successes pass untouched.
        let (_, headers, body) = through_problems(ApiError::NotFound.into_response()).await;
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        assert!(body.contains("nothing at this address"));
        let page = (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::response::Html("<p>fix it</p>"),
        )
            .into_response();
        let (status, _, body) = through_problems(page).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "<p>fix it</p>")
        );
        let (status, _, body) = through_problems("ok".into_response()).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    }
}
