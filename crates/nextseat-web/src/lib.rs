//! # nextseat-web: the JSON API and the report pages
//!
//! One [`AppState`] (the knowledge base and the store), one error type
//! ([`error::ApiError`], rendered as `application/problem+json`), and one `router()` per
//! route area. [`app`] builds the whole service so tests can drive it without a socket;
//! [`serve`] binds it with graceful shutdown on Ctrl-C / SIGTERM.
#![forbid(unsafe_code)]

pub mod api;
pub mod error;
pub mod health;
pub mod openapi;
pub mod report;
pub mod roles;
pub mod site;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use nextseat_core::KnowledgeBase;
use nextseat_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (1 MiB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How long a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The method.
    pub kb: Arc<KnowledgeBase>,
    /// Where assessments are kept.
    pub store: Store,
}

/// The whole service.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(api::router())
        .merge(openapi::router())
        .merge(report::router())
        .merge(roles::router())
        .merge(site::router())
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `app(state)` on a bound listener until Ctrl-C or SIGTERM, letting requests in
/// flight finish. With `rate_per_second > 0`, each client IP may make that many requests
/// a second (bursts of twice that) before it is answered 429. The limiter needs the
/// peer's address, so it wraps the app here rather than in [`app`], which tests drive
/// without a socket.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    rate_per_second: u32,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, backend = state.store.backend(), rate_per_second, "nextseat serving");
    let mut router = app(state);
    if rate_per_second > 0 {
        let config = tower_governor::governor::GovernorConfigBuilder::default()
            .per_nanosecond(1_000_000_000 / u64::from(rate_per_second))
            .burst_size(rate_per_second.saturating_mul(2))
            .finish()
            .ok_or_else(|| std::io::Error::other("invalid rate limit"))?;
        router = router.layer(
            tower_governor::GovernorLayer::new(config).error_handler(|e| {
                use axum::response::IntoResponse;
                match e {
                    tower_governor::GovernorError::TooManyRequests { wait_time, .. } => {
                        error::ApiError::TooManyRequests(wait_time).into_response()
                    }
                    other => error::ApiError::Internal(other.to_string()).into_response(),
                }
            }),
        );
    }
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
