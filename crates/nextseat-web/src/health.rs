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

async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.store.ping().await?;
    Ok("ok")
}
