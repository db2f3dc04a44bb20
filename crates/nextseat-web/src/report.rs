//! `GET /r/{id}`: the stored assessment as the printable HTML report, and
//! `GET /r/{id}.pdf`: the same report as a PDF.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use nextseat_core::Assessment;
use nextseat_report::view;

/// The report routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/r/{id}", get(report))
}

/// A stored assessment with the date it was made, by id.
async fn stored(state: &AppState, id: &str) -> Result<(Assessment, String), ApiError> {
    let s = crate::api::load(state, id).await?;
    let a: Assessment =
        serde_json::from_str(&s.result).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((a, view::date_of(s.created_at_ms)))
}

/// The stored assessment as a printable HTML page; with `.pdf` after the id, as a PDF.
#[utoipa::path(get, path = "/r/{id}", operation_id = "report", tag = "site",
    params(("id" = String, Path, description = "The assessment id (a UUID), or the id followed by `.pdf` for the PDF; anything else is 404")),
    responses(
        (status = 200, description = "The report: a self-contained HTML page, or with `.pdf` the same report as a PDF", content(
            (String = "text/html"),
            (Vec<u8> = "application/pdf")
        )),
        crate::error::SiteLookupErrors
    ))]
pub async fn report(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(crate::error::bad_path)?;
    if let Some(id) = id.strip_suffix(".pdf") {
        let (a, date) = stored(&state, id).await?;
        let kb = std::sync::Arc::clone(&state.kb);
        let pdf = state
            .cpu(move || nextseat_pdf::render(&a, &kb, Some(date)))
            .await?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let disposition = format!("inline; filename=\"nextseat-{id}.pdf\"");
        return Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            pdf,
        )
            .into_response());
    }
    let (a, date) = stored(&state, &id).await?;
    let pdf = format!("/r/{id}.pdf");
    Ok(Html(nextseat_report::html::render(
        &a,
        &state.kb,
        Some(date),
        Some(&pdf),
    ))
    .into_response())
}
