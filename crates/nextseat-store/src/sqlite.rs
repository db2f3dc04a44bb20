//! SQLite: one writer connection (WAL, `synchronous=FULL`, `busy_timeout`), a small
//! reader pool, `BEGIN IMMEDIATE` for idempotent saves.

use crate::{AssessmentStore, Saved, StoreError, Stored, new_id, now_ms, stored};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Acquire, Connection};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// The SQLite store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `url`, checks WAL and
    /// `synchronous=FULL` are in force, and runs the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        let store = SqliteStore { writer, readers };
        store.check_durability().await?;
        Ok(store)
    }

    /// Fails unless the writer is in WAL mode with `synchronous=FULL`.
    pub async fn check_durability(&self) -> Result<(), StoreError> {
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&self.writer)
            .await?;
        let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&self.writer)
            .await?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Durability(format!(
                "journal_mode is {mode}, not wal"
            )));
        }
        if sync != 2 {
            return Err(StoreError::Durability(format!(
                "synchronous is {sync}, not 2 (FULL)"
            )));
        }
        Ok(())
    }
}

impl AssessmentStore for SqliteStore {
    async fn save(
        &self,
        request: &str,
        result: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Saved, StoreError> {
        let mut conn = self.writer.acquire().await?;
        let conn = conn.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        if let Some(key) = idempotency_key {
            let existing: Option<(String, i64, String, String)> =
                sqlx::query_as("SELECT id, created_at_ms, request, result FROM assessments WHERE idempotency_key = ?")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(row) = existing {
                tx.rollback().await?;
                let s = stored(row);
                return if s.request == request {
                    Ok(Saved::Replayed(s))
                } else {
                    Err(StoreError::IdempotencyConflict)
                };
            }
        }
        let s = Stored {
            id: new_id(),
            created_at_ms: now_ms(),
            request: request.to_string(),
            result: result.to_string(),
        };
        sqlx::query(
            "INSERT INTO assessments (id, created_at_ms, idempotency_key, request, result) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&s.id)
        .bind(s.created_at_ms)
        .bind(idempotency_key)
        .bind(&s.request)
        .bind(&s.result)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Saved::Created(s))
    }

    async fn get(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        let row: Option<(String, i64, String, String)> = sqlx::query_as(
            "SELECT id, created_at_ms, request, result FROM assessments WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.readers)
        .await?;
        Ok(row.map(stored))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }
}
