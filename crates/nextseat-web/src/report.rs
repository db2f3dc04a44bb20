//! `GET /r/{id}`: the stored assessment as the printable HTML report.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use nextseat_core::Assessment;

/// The report route.
pub fn router() -> Router<AppState> {
    Router::new().route("/r/{id}", get(report))
}

async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let s = crate::api::load(&state, &id).await?;
    let a: Assessment =
        serde_json::from_str(&s.result).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Html(nextseat_report::html::render(&a, &state.kb)))
}
