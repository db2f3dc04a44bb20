//! `GET /healthz`: 200 when the server answers and its database accepts writes.
//!
//! Reading is not enough: a full disk or a read-only database still answers `SELECT 1`
//! while every save fails. So the check rewrites one row (at most once a second; callers
//! in between share the last outcome, so a monitor polling hard adds no load), and it
//! also reports a save that failed since the last one that worked, since a small probe
//! row can fit where a whole assessment does not.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use nextseat_store::AssessmentStore;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a write probe's outcome is reused.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The latest save failure (cleared by the next save that works) and the latest write
/// probe.
#[derive(Debug, Default)]
pub struct SaveRecord {
    failed: Mutex<Option<String>>,
    probe: tokio::sync::Mutex<Option<(Instant, Result<(), String>)>>,
}

impl SaveRecord {
    /// Records the outcome of a save. Only storage failures count: an idempotency
    /// conflict is the client's mistake, not the database's.
    pub fn record(&self, outcome: Result<(), &nextseat_store::StoreError>) {
        let failure = match outcome {
            Ok(()) => None,
            Err(nextseat_store::StoreError::IdempotencyConflict) => return,
            Err(e) => Some(e.to_string()),
        };
        if let Ok(mut slot) = self.failed.lock() {
            *slot = failure;
        }
    }

    fn last_failure(&self) -> Option<String> {
        self.failed.lock().ok().and_then(|f| f.clone())
    }
}

/// The body of a healthy answer: `ok`.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Healthy {
    /// Healthy.
    Ok,
}

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

/// 200 when the server answers and its database accepts writes; 503 otherwise, saying why.
#[utoipa::path(get, path = "/healthz", operation_id = "health", tag = "operations",
    responses(
        (status = 200, description = "Healthy: the database accepts writes", body = inline(Healthy), content_type = "text/plain"),
        crate::error::HealthErrors
    ))]
pub async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    let unavailable = |why: String| {
        tracing::error!(error = %why, "health check failed");
        ApiError::Unavailable(why)
    };
    {
        let mut probe = state.saves.probe.lock().await;
        let fresh = probe
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < PROBE_EVERY);
        if !fresh {
            let outcome = state.store.check_write().await.map_err(|e| e.to_string());
            *probe = Some((Instant::now(), outcome));
        }
        if let Some((_, Err(why))) = probe.as_ref() {
            return Err(unavailable(format!(
                "the database does not accept writes: {why}"
            )));
        }
    }
    if let Some(why) = state.saves.last_failure() {
        return Err(unavailable(format!(
            "the last save failed and none has worked since: {why}"
        )));
    }
    Ok("ok")
}
