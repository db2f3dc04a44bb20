//! `GET /r/{id}`: the stored assessment as the printable HTML report.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use nextseat_core::Assessment;

/// The report route.
pub fn router() -> Router<AppState> {
    Router::new().route("/r/{id}", get(report))
}

/// The stored assessment as a printable HTML page.
#[utoipa::path(get, path = "/r/{id}", operation_id = "report", tag = "site",
    params(("id" = String, Path, description = "The assessment id (a UUID); anything else is 404")),
    responses(
        (status = 200, description = "The report, a self-contained HTML page", body = String, content_type = "text/html"),
        crate::error::SiteLookupErrors
    ))]
pub async fn report(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, ApiError> {
    let Path(id) = id.map_err(crate::error::bad_path)?;
    let s = crate::api::load(&state, &id).await?;
    let a: Assessment =
        serde_json::from_str(&s.result).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Html(nextseat_report::html::render(&a, &state.kb)))
}
