//! `nextseat serve`: the web app and JSON API.

use crate::error::CliError;
use crate::io::load_kb;
use crate::reader::ReaderOptions;
use nextseat_store::Store;
use nextseat_web::conn::Limits;
use nextseat_web::{AppState, ServeOptions, serve};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const AFTER: &str =
    "With no --database (or DATABASE_URL) a SQLite file nextseat.db is created in the
working directory. URLs are the ones sqlx reads: sqlite://path/file.db (created if
missing) or postgres://user:password@host/db. Migrations run at start-up. Ctrl-C or
SIGTERM stops it gracefully. Logs go to stderr (RUST_LOG=debug for more).

Connections: at most --max-connections are open at once; past that, new clients wait
in the listen queue until one closes. A client must send a request's head within
--header-timeout (counted from connecting, or from the request's first byte), and a
keep-alive connection is closed after --idle-timeout without a request. A request is
answered 408 if it takes more than 10 s, 413 over 1 MiB, 429 past --rate-limit.
Durations read like 10s, 1m, 90d.

Health: GET /healthz answers 200 only while the database accepts writes (it rewrites
one row, at most once a second), else 503 saying why.

Retention: --keep-anonymous 90d deletes assessments made without an account once they
are older than 90 days (at start-up and every hour). Without it they are kept.

Examples:
  nextseat serve
  nextseat serve --addr 0.0.0.0:8080 --database postgres://nextseat:secret@127.0.0.1/nextseat
  nextseat serve --keep-anonymous 90d --max-connections 512 --idle-timeout 30s
  curl -s -H 'content-type: application/json' -d '{\"company\":{\"employees\":12}}' \\
       http://127.0.0.1:8080/api/v1/assess";

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Database URL (sqlite://… or postgres://…).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://nextseat.db",
        hide_env_values = true
    )]
    pub database: String,
    /// Requests a second each client IP may make before being answered 429 (0 = no limit).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub rate_limit: u32,
    /// Time a client has to send a request's head (at most 10 minutes).
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration)]
    pub header_timeout: Duration,
    /// Time a keep-alive connection may sit without a request before it is closed.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = duration)]
    pub idle_timeout: Duration,
    /// Connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Delete anonymous assessments older than this (e.g. 90d); kept forever if not given.
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub keep_anonymous: Option<Duration>,
}

/// A duration as people write it (`10s`, `1m`, `90d`), at least a second and at most
/// ten years.
fn duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("{e}; write a number and a unit, e.g. 10s, 5m, 90d"))?;
    if d < Duration::from_secs(1) {
        return Err("must be at least 1s".into());
    }
    if d > Duration::from_secs(10 * 365 * 24 * 3600) {
        return Err("must be at most 10 years".into());
    }
    Ok(d)
}

/// Runs `serve`.
pub fn run(args: Args, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    if args.header_timeout > Duration::from_secs(600) {
        return Err(CliError::Usage(
            "--header-timeout must be at most 10m: a longer one lets slow clients hold connections"
                .into(),
        ));
    }
    let kb = load_kb(kb_path)?;
    // Loaded before listening: the first request must not wait for the model.
    crate::reader::prepare(&kb, reader)?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("could not start the runtime: {e}")))?;
    let options = ServeOptions {
        rate_per_second: args.rate_limit,
        limits: Limits {
            header_timeout: args.header_timeout,
            idle_timeout: args.idle_timeout,
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        },
        keep_anonymous: args.keep_anonymous,
    };
    runtime.block_on(async move {
        let store = Store::open(&args.database)
            .await
            .map_err(|e| CliError::Failed(format!("could not open the database: {e}")))?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| CliError::Failed(format!("could not listen on {}: {e}", args.addr)))?;
        let local = listener
            .local_addr()
            .map_err(|e| CliError::Failed(e.to_string()))?;
        println!(
            "nextseat listening on http://{local} ({} database)",
            store.backend()
        );
        let state = AppState::new(Arc::new(kb), store);
        serve(listener, state, options)
            .await
            .map_err(|e| CliError::Failed(format!("server error: {e}")))
    })
}

#[cfg(test)]
mod tests {
    use super::duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(duration("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(duration(" 1m "), Ok(Duration::from_secs(60)));
        assert!(duration("0s").is_err());
        assert!(duration("90").is_err_and(|e| e.contains("e.g. 10s")));
        assert!(duration("11y").is_err());
    }
}
