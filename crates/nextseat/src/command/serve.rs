//! `nextseat serve`: the web app and JSON API.

use crate::error::CliError;
use crate::io::load_kb;
use nextseat_store::Store;
use nextseat_web::{AppState, serve};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

const AFTER: &str =
    "With no --database (or DATABASE_URL) a SQLite file nextseat.db is created in the
working directory. URLs are the ones sqlx reads: sqlite://path/file.db (created if
missing) or postgres://user:password@host/db. Migrations run at start-up. Ctrl-C or
SIGTERM stops it gracefully. Logs go to stderr (RUST_LOG=debug for more).

Examples:
  nextseat serve
  nextseat serve --addr 0.0.0.0:8080 --database postgres://nextseat:secret@127.0.0.1/nextseat
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
}

/// Runs `serve`.
pub fn run(args: Args, kb_path: Option<&Path>) -> Result<(), CliError> {
    let kb = load_kb(kb_path)?;
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
        let state = AppState {
            kb: Arc::new(kb),
            store,
        };
        serve(listener, state, args.rate_limit)
            .await
            .map_err(|e| CliError::Failed(format!("server error: {e}")))
    })
}
