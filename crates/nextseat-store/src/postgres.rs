//! PostgreSQL: a connection pool, default synchronous commit, and a unique index on the
//! idempotency key (`ON CONFLICT DO NOTHING`, then read the winner).

use crate::{AssessmentStore, Saved, StoreError, Stored, new_id, now_ms, stored};
use sqlx::postgres::{PgPool, PgPoolOptions};

/// How long opening the store waits for the server's first answer.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

const HEALTH_WRITE: &str = "INSERT INTO health (id, checked_at_ms) VALUES (1, $1) \
     ON CONFLICT (id) DO UPDATE SET checked_at_ms = excluded.checked_at_ms";

/// The PostgreSQL store.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and runs the migrations. One connection is tried first, for at most
    /// [`CONNECT_TIMEOUT`], so an unreachable server fails fast with its real cause
    /// (refused, unknown host, bad password) rather than a pool's timeout.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        use sqlx::Connection;
        use std::str::FromStr;
        let options = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let target = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("(default database)")
        );
        let failed = |cause: String| StoreError::Connect {
            target: target.clone(),
            cause,
        };
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            sqlx::postgres::PgConnection::connect_with(&options),
        )
        .await
        {
            Err(_) => {
                return Err(failed(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
            Ok(Err(e)) => return Err(failed(e.to_string())),
            Ok(Ok(c)) => {
                let _ = c.close().await;
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PgStore { pool })
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

impl AssessmentStore for PgStore {
    async fn save(
        &self,
        request: &str,
        result: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Saved, StoreError> {
        let s = Stored {
            id: new_id(),
            created_at_ms: now_ms(),
            request: request.to_string(),
            result: result.to_string(),
        };
        let inserted = sqlx::query(
            "INSERT INTO assessments (id, created_at_ms, idempotency_key, request, result) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&s.id)
        .bind(s.created_at_ms)
        .bind(idempotency_key)
        .bind(&s.request)
        .bind(&s.result)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Saved::Created(s));
        }
        let key = idempotency_key.unwrap_or_default();
        let row: (String, i64, String, String) = sqlx::query_as(
            "SELECT id, created_at_ms, request, result FROM assessments WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_one(&self.pool)
        .await?;
        let first = stored(row);
        if first.request == request {
            Ok(Saved::Replayed(first))
        } else {
            Err(StoreError::IdempotencyConflict)
        }
    }

    async fn get(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        let row: Option<(String, i64, String, String)> = sqlx::query_as(
            "SELECT id, created_at_ms, request, result FROM assessments WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(stored))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn check_write(&self) -> Result<(), StoreError> {
        sqlx::query(HEALTH_WRITE)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn purge_anonymous(&self, before_ms: i64) -> Result<u64, StoreError> {
        // Every assessment is anonymous until workspaces exist.
        let gone = sqlx::query("DELETE FROM assessments WHERE created_at_ms < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(gone)
    }
}
