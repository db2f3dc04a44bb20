//! `GET /healthz`: 200 when the server and its database answer.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use nextseat_store::AssessmentStore;

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

/// 200 when the server and its database answer.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Healthy", body = String), (status = 500, description = "The database does not answer", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.store.ping().await?;
    Ok("ok")
}
