//! # nextseat-web: the JSON API and the report pages
//!
//! One [`AppState`] (the knowledge base and the store), one error type
//! ([`error::ApiError`], rendered as `application/problem+json`), and one `router()` per
//! route area. [`app`] builds the whole service so tests can drive it without a socket;
//! [`serve`] binds it with graceful shutdown on Ctrl-C / SIGTERM.
#![forbid(unsafe_code)]

pub mod api;
pub mod conn;
pub mod diagnose;
pub mod error;
pub mod health;
pub mod openapi;
pub mod report;
pub mod roles;
pub mod schema;
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
    /// Permits for CPU-bound work (one per core): parsing, validating and assessing
    /// run on the blocking pool, at most this many at once, so the async workers stay
    /// free to answer `/healthz` and light requests whatever the load.
    cpu: Arc<tokio::sync::Semaphore>,
    /// The outcome of the latest save, which `/healthz` reports.
    pub saves: Arc<health::SaveRecord>,
    /// The OpenAPI document as served, built once from `kb` on first request.
    openapi: Arc<std::sync::OnceLock<Result<axum::body::Bytes, String>>>,
}

impl AppState {
    /// The state for a method and a store.
    pub fn new(kb: Arc<KnowledgeBase>, store: Store) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AppState {
            kb,
            store,
            cpu: Arc::new(tokio::sync::Semaphore::new(cores)),
            saves: Arc::new(health::SaveRecord::default()),
            openapi: Arc::new(std::sync::OnceLock::new()),
        }
    }

    /// The OpenAPI document for this state's knowledge base, as JSON: built on first
    /// use, then the same text for every request.
    pub fn openapi_json(&self) -> Result<axum::body::Bytes, error::ApiError> {
        self.openapi
            .get_or_init(|| openapi::render(&self.kb))
            .clone()
            .map_err(error::ApiError::Internal)
    }

    /// Runs CPU-bound `work` on the blocking pool once a CPU permit is free.
    pub async fn cpu<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|e| error::ApiError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| error::ApiError::Internal(format!("a worker failed: {e}")))
    }
}

/// The security headers every response carries. Pages load nothing from elsewhere and
/// run no inline script; nothing may frame them; a report's address (which is its only
/// key) is never sent on as a referrer.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
];

async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, axum::http::HeaderValue::from_static(value));
    }
    response
}

/// The whole service.
pub fn app(state: AppState) -> Router {
    // A state-changing request from another site (Origin or Sec-Fetch-Site say so) is
    // refused: no page elsewhere can make a visitor's browser store an assessment.
    // Scripts and curl send neither header and are let through.
    let csrf = tower_http::csrf::CsrfLayer::new().with_rejection_response(
        |_: tower_http::csrf::ProtectionError| {
            use axum::response::IntoResponse;
            error::ApiError::Forbidden(
                "Cross-site requests that change data are refused: submit the form from this site."
                    .into(),
            )
            .into_response()
        },
    );
    Router::new()
        .merge(health::router())
        .merge(api::router())
        .merge(diagnose::router())
        .merge(openapi::router())
        .merge(report::router())
        .merge(roles::router())
        .merge(site::router())
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(csrf)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Outside every layer that can answer on its own (timeout, CSRF, routing's 405),
        // so none of their answers leaves as plain text.
        .layer(axum::middleware::from_fn(error::problems))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How `serve` runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServeOptions {
    /// Requests a second each client IP may make (bursts of twice that) before being
    /// answered 429; 0 for no limit.
    pub rate_per_second: u32,
    /// Connection limits and timeouts.
    pub limits: conn::Limits,
    /// Delete anonymous assessments older than this (checked at start and every hour);
    /// `None` keeps them.
    pub keep_anonymous: Option<std::time::Duration>,
}

/// How often retention runs.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Deletes anonymous assessments older than `keep`, now and every hour, until the
/// runtime stops. A failed run is logged and tried again at the next.
pub fn spawn_retention(store: Store, keep: Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PURGE_EVERY);
        loop {
            every.tick().await;
            let keep_ms = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
            let before = nextseat_store::now_ms().saturating_sub(keep_ms);
            match nextseat_store::AssessmentStore::purge_anonymous(&store, before).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(deleted = n, "retention: old anonymous assessments deleted")
                }
                Err(e) => tracing::error!(error = %e, "retention: deleting old assessments failed"),
            }
        }
    });
}

/// Serves `app(state)` on a bound listener until Ctrl-C or SIGTERM, letting requests in
/// flight finish. Connections are capped and timed out as [`conn`] describes. With a
/// rate limit, each client IP is answered 429 past it. The limiter needs the peer's
/// address, so it wraps the app here rather than in [`app`], which tests drive without
/// a socket.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    options: ServeOptions,
) -> std::io::Result<()> {
    let rate_per_second = options.rate_per_second;
    if let Some(keep) = options.keep_anonymous {
        spawn_retention(state.store.clone(), keep);
    }
    tracing::info!(addr = %listener.local_addr()?, backend = state.store.backend(), rate_per_second, limits = ?options.limits, "nextseat serving");
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
    let listener = conn::GuardedListener::new(listener, options.limits);
    axum::serve(listener, conn::MakeConn { router })
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
