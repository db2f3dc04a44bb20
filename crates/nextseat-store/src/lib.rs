//! # nextseat-store: durable storage of assessments
//!
//! One trait, [`AssessmentStore`], and two implementations chosen by the URL's scheme:
//! SQLite ([`sqlite::SqliteStore`], the default: a file in the working directory) and
//! PostgreSQL ([`postgres::PgStore`]). Queries are built at run time (`sqlx::query_as`),
//! so the build needs no database; migrations are embedded per backend and run when the
//! store opens.
//!
//! The promise behind a successful [`AssessmentStore::save`]: the row is committed to
//! disk. SQLite runs in WAL mode with `synchronous=FULL` (checked on open, because sqlx
//! sets neither by default) through one writer task that commits concurrent saves in one
//! `BEGIN IMMEDIATE` transaction (group commit: one fsync shared by the group, each save
//! in its own savepoint, every caller answered after the commit); PostgreSQL uses its
//! default synchronous commit and a unique index on the idempotency key.
#![forbid(unsafe_code)]

pub mod postgres;
pub mod sqlite;

use std::future::Future;
use std::sync::Arc;

/// A stored assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Random UUID v4.
    pub id: String,
    /// When it was stored, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// The profile JSON as received.
    pub request: String,
    /// The assessment JSON.
    pub result: String,
}

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// A new row was committed.
    Created(Stored),
    /// The idempotency key was seen before with the same request: the first row.
    Replayed(Stored),
}

impl Saved {
    /// The stored row either way.
    pub fn stored(&self) -> &Stored {
        match self {
            Saved::Created(s) | Saved::Replayed(s) => s,
        }
    }
}

/// Storage failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("unsupported database URL `{0}`: use sqlite://path/file.db or postgres://…")]
    Scheme(String),
    /// The idempotency key was used before with a different request.
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyConflict,
    /// SQLite is not in the durable mode the store promises.
    #[error("SQLite durability settings not in force: {0}")]
    Durability(String),
    /// The database server could not be reached or refused the connection. Names the
    /// server (never the password) and the cause.
    #[error("could not connect to PostgreSQL at {target}: {cause}")]
    Connect {
        /// `host:port/database`.
        target: String,
        /// Why, in the driver's words.
        cause: String,
    },
    /// A database error.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration error.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The transaction that carried this save, with the others committed alongside it,
    /// failed: nothing in it was stored. Every save of the group gets the same error.
    #[error("the transaction failed and nothing in it was stored: {0}")]
    Transaction(Arc<StoreError>),
    /// The SQLite writer task has stopped (the store is closing), so nothing was stored.
    #[error("the database writer has stopped")]
    WriterStopped,
}

/// Storage of assessments.
pub trait AssessmentStore {
    /// Stores a request and its result; with an idempotency key, a repeat of the same
    /// request returns the first row and stores nothing.
    fn save(
        &self,
        request: &str,
        result: &str,
        idempotency_key: Option<&str>,
    ) -> impl Future<Output = Result<Saved, StoreError>> + Send;

    /// The stored assessment with this id.
    fn get(&self, id: &str) -> impl Future<Output = Result<Option<Stored>, StoreError>> + Send;

    /// Whether the database answers.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether the database accepts a write: one small row is rewritten and committed.
    fn check_write(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes the assessments stored before `before_ms` (ms since the Unix epoch) that
    /// belong to nobody; returns how many went.
    fn purge_anonymous(
        &self,
        before_ms: i64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// The store chosen by URL.
#[derive(Clone, Debug)]
pub enum Store {
    /// SQLite.
    Sqlite(sqlite::SqliteStore),
    /// PostgreSQL.
    Postgres(postgres::PgStore),
}

impl Store {
    /// Opens the database at `url` (`sqlite://…` or `postgres://…`), creating a SQLite
    /// file if missing, and runs the migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Store::Sqlite(sqlite::SqliteStore::open(url).await?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres(postgres::PgStore::open(url).await?))
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::Scheme(format!("{scheme}:")))
        }
    }

    /// Closes the store: SQLite waits for its writer to finish the saves already queued
    /// (see [`sqlite::SqliteStore::close`]); PostgreSQL closes its pool.
    pub async fn close(self) {
        match self {
            Store::Sqlite(s) => s.close().await,
            Store::Postgres(s) => s.close().await,
        }
    }

    /// The backend's name, for logs.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }
}

impl AssessmentStore for Store {
    async fn save(
        &self,
        request: &str,
        result: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Saved, StoreError> {
        match self {
            Store::Sqlite(s) => s.save(request, result, idempotency_key).await,
            Store::Postgres(s) => s.save(request, result, idempotency_key).await,
        }
    }

    async fn get(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        match self {
            Store::Sqlite(s) => s.get(id).await,
            Store::Postgres(s) => s.get(id).await,
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.ping().await,
            Store::Postgres(s) => s.ping().await,
        }
    }

    async fn check_write(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.check_write().await,
            Store::Postgres(s) => s.check_write().await,
        }
    }

    async fn purge_anonymous(&self, before_ms: i64) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => s.purge_anonymous(before_ms).await,
            Store::Postgres(s) => s.purge_anonymous(before_ms).await,
        }
    }
}

/// A new random id: a UUID v4, 122 random bits.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

type Row = (String, i64, String, String);

fn stored((id, created_at_ms, request, result): Row) -> Stored {
    Stored {
        id,
        created_at_ms,
        request,
        result,
    }
}
