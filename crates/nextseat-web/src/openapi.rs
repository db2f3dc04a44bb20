//! `GET /api/v1/openapi.json`: the OpenAPI document, generated from the handlers'
//! annotations and the response types (utoipa), so it cannot drift from the code.

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "nextseat API",
        description = "Which leadership seat should a growing company fill next? Profile JSON in, an explained assessment out."
    ),
    paths(
        crate::api::assess_once,
        crate::api::create,
        crate::api::fetch,
        crate::health::health
    ),
    components(schemas(
        crate::api::Created,
        crate::api::Fetched,
        crate::error::Problem,
        crate::error::FieldError
    ))
)]
pub struct ApiDoc;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(document))
}

async fn document() -> axum::response::Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => crate::error::ApiError::Internal(e.to_string()).into_response(),
    }
}
