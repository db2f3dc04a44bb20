//! SQLite: one writer task that commits concurrent saves together, and a small reader pool.
//!
//! The design decision: with WAL and `synchronous=FULL` every commit waits for an fsync,
//! and one writer can run only one transaction at a time, so one transaction per save caps
//! durable saves at the rate of serial commits (1,200-2,000 a second here). Instead every
//! save is sent through a bounded channel to one writer task, the only holder of the
//! writing connection. It waits for the first save, takes every other save already waiting
//! (up to [`MAX_GROUP`]), runs them in one `BEGIN IMMEDIATE` transaction, commits once, and
//! only then answers each caller with its own outcome. So:
//!
//! - a save is acknowledged only after the commit that holds it is on disk;
//! - a save that fails fails alone: an idempotency conflict writes nothing, and a database
//!   error in one save rolls the group back and runs it again with each save in its own
//!   savepoint, so only that save is rolled back and the others still commit;
//! - saves in one group run in the order they were sent and see each other, so two saves
//!   with one idempotency key in the same group get one row: the second is a replay;
//! - if the transaction itself fails (begin, a savepoint, the commit), every save in the
//!   group fails, none is acknowledged, and the writer reconnects before the next group.
//!
//! Under no load a group is one save, as before; under load the groups grow and share
//! their commit. Dropping every clone of the store closes the channel; the writer then
//! finishes what was queued and closes its connection ([`SqliteStore::close`] waits for
//! that).

use crate::{AssessmentStore, Row, Saved, StoreError, Stored, new_id, now_ms, stored};
use sqlx::Connection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

const HEALTH_WRITE: &str = "INSERT INTO health (id, checked_at_ms) VALUES (1, ?) \
     ON CONFLICT (id) DO UPDATE SET checked_at_ms = excluded.checked_at_ms";

/// Most saves committed in one transaction. Bounds a group's commit time, and so the wait
/// of the saves queued behind it; a server with fewer saves in flight never reaches it.
pub const MAX_GROUP: usize = 256;

/// Saves that may wait for the writer before [`AssessmentStore::save`] itself waits.
const QUEUE: usize = 1024;

/// The SQLite store. Clones share the writer and the readers.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
    readers: SqlitePool,
    /// Never sent on; the writer drops its sender when it ends, which `close` waits for.
    writer_done: watch::Receiver<()>,
}

#[derive(Debug)]
enum Job {
    Save(Save, oneshot::Sender<Result<Saved, StoreError>>),
    CheckDurability(oneshot::Sender<Result<(), StoreError>>),
    CheckWrite(oneshot::Sender<Result<(), StoreError>>),
    Purge(i64, oneshot::Sender<Result<u64, StoreError>>),
}

#[derive(Debug)]
struct Save {
    request: String,
    result: String,
    key: Option<String>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `url`, runs the migrations, checks
    /// WAL and `synchronous=FULL` are in force on the writing connection, and starts the
    /// writer task on the current tokio runtime.
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let options = connect_options(url)?;
        let mut conn = SqliteConnection::connect_with(&options).await?;
        MIGRATOR.run(&mut conn).await?;
        check_durability(&mut conn).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone().read_only(true))
            .await?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (done, writer_done) = watch::channel(());
        let writer = Writer {
            options,
            conn: Some(conn),
        };
        tokio::spawn(writer.run(queue, done));
        Ok(SqliteStore {
            jobs,
            readers,
            writer_done,
        })
    }

    /// Fails unless the writing connection is in WAL mode with `synchronous=FULL`.
    pub async fn check_durability(&self) -> Result<(), StoreError> {
        self.ask(Job::CheckDurability).await
    }

    /// Sends a job to the writer and waits for its answer.
    async fn ask<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Job,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(job(reply))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Closes this handle and waits until the writer has committed and answered every save
    /// already queued and closed its connection, then closes the readers. The writer ends
    /// when the last clone is closed or dropped: while another clone lives, this waits.
    pub async fn close(self) {
        let SqliteStore {
            jobs,
            readers,
            mut writer_done,
        } = self;
        drop(jobs);
        // Resolves (with an error) once the writer has dropped the sender, i.e. ended.
        let _ = writer_done.changed().await;
        readers.close().await;
    }
}

impl AssessmentStore for SqliteStore {
    async fn save(
        &self,
        request: &str,
        result: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Saved, StoreError> {
        let save = Save {
            request: request.to_string(),
            result: result.to_string(),
            key: idempotency_key.map(str::to_string),
        };
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Save(save, reply))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    async fn get(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        let row: Option<Row> = sqlx::query_as(
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

    async fn check_write(&self) -> Result<(), StoreError> {
        self.ask(Job::CheckWrite).await
    }

    async fn purge_anonymous(&self, before_ms: i64) -> Result<u64, StoreError> {
        self.ask(|reply| Job::Purge(before_ms, reply)).await
    }
}

/// The writer task's state: the writing connection, reopened after a failed group.
struct Writer {
    options: SqliteConnectOptions,
    conn: Option<SqliteConnection>,
}

impl Writer {
    async fn run(mut self, mut queue: mpsc::Receiver<Job>, done: watch::Sender<()>) {
        let mut jobs = Vec::with_capacity(MAX_GROUP);
        while queue.recv_many(&mut jobs, MAX_GROUP).await > 0 {
            let mut group = Vec::with_capacity(jobs.len());
            for job in jobs.drain(..) {
                match job {
                    // The caller has gone (timed out, disconnected): nobody can be told
                    // it was stored, so it is not.
                    Job::Save(_, reply) if reply.is_closed() => {}
                    Job::Save(save, reply) => group.push((save, reply)),
                    Job::CheckDurability(reply) => {
                        let checked = match self.connection().await {
                            Ok(conn) => check_durability(conn).await,
                            Err(e) => Err(e),
                        };
                        let _ = reply.send(checked);
                    }
                    Job::CheckWrite(reply) => {
                        let written = self.write_one(HEALTH_WRITE, now_ms()).await;
                        let _ = reply.send(written.map(|_| ()));
                    }
                    Job::Purge(before_ms, reply) => {
                        // Every assessment is anonymous until workspaces exist.
                        let sql = "DELETE FROM assessments WHERE created_at_ms < ?";
                        let _ = reply.send(self.write_one(sql, before_ms).await);
                    }
                }
            }
            if !group.is_empty() {
                self.commit_group(group).await;
            }
        }
        if let Some(conn) = self.conn.take() {
            // Every caller has had its answer and every answer followed a commit, so a
            // failure to close cleanly loses nothing; the next open recovers the WAL.
            let _ = conn.close().await;
        }
        drop(done);
    }

    /// Runs one writing statement with one integer parameter in its own transaction;
    /// returns the rows it touched. On failure the connection is dropped, as after a
    /// failed group.
    async fn write_one(&mut self, sql: &'static str, value: i64) -> Result<u64, StoreError> {
        let result = async {
            let conn = self.connection().await?;
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            let n = sqlx::query(sql)
                .bind(value)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(n)
        }
        .await;
        if result.is_err() {
            self.conn = None;
        }
        result
    }

    /// The writing connection, reconnecting (and rechecking durability) if a failed group
    /// dropped it.
    async fn connection(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        let conn = match self.conn.take() {
            Some(conn) => conn,
            None => {
                let mut conn = SqliteConnection::connect_with(&self.options).await?;
                check_durability(&mut conn).await?;
                conn
            }
        };
        Ok(self.conn.insert(conn))
    }

    /// Commits the group and answers every caller: each its own outcome after a commit,
    /// or every one the transaction's error.
    async fn commit_group(
        &mut self,
        group: Vec<(Save, oneshot::Sender<Result<Saved, StoreError>>)>,
    ) {
        let (saves, replies): (Vec<_>, Vec<_>) = group.into_iter().unzip();
        match self.transaction(&saves).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // A caller that has gone since is no longer waiting for its answer.
                    let _ = reply.send(outcome);
                }
            }
            Err(e) => {
                // The connection's transaction state is unknown after a failed begin,
                // savepoint or commit: start the next group on a fresh connection.
                self.conn = None;
                let e = Arc::new(e);
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Transaction(Arc::clone(&e))));
                }
            }
        }
    }

    /// Commits the group in one transaction. The outer error is the transaction's
    /// (nothing committed); the inner ones are each save's own.
    ///
    /// The first attempt runs the saves back to back: replays and idempotency conflicts
    /// write nothing, so only a database error can leave a save half done. If one does,
    /// the whole attempt is rolled back and the group runs again with each save in its own
    /// savepoint, so that save fails alone. (Savepoints on every save cost about a third
    /// of the durable throughput: three statements a save instead of one; BENCHMARKS.md.)
    async fn transaction(
        &mut self,
        saves: &[Save],
    ) -> Result<Vec<Result<Saved, StoreError>>, StoreError> {
        match self.back_to_back(saves).await? {
            Some(outcomes) => Ok(outcomes),
            None => self.isolated(saves).await,
        }
    }

    /// The saves back to back in one transaction, committed; `None` (and nothing
    /// committed) if one of them met a database error.
    async fn back_to_back(
        &mut self,
        saves: &[Save],
    ) -> Result<Option<Vec<Result<Saved, StoreError>>>, StoreError> {
        let conn = self.connection().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut outcomes = Vec::with_capacity(saves.len());
        for save in saves {
            match save_one(&mut tx, save).await {
                Err(StoreError::Db(_)) => {
                    tx.rollback().await?;
                    return Ok(None);
                }
                outcome => outcomes.push(outcome),
            }
        }
        tx.commit().await?;
        Ok(Some(outcomes))
    }

    /// The saves in one transaction, each in its own savepoint, committed.
    async fn isolated(
        &mut self,
        saves: &[Save],
    ) -> Result<Vec<Result<Saved, StoreError>>, StoreError> {
        let conn = self.connection().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut outcomes = Vec::with_capacity(saves.len());
        for save in saves {
            let mut item = Connection::begin(&mut *tx).await?;
            match save_one(&mut item, save).await {
                Ok(saved) => {
                    item.commit().await?;
                    outcomes.push(Ok(saved));
                }
                Err(e) => {
                    item.rollback().await?;
                    outcomes.push(Err(e));
                }
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

/// One save inside the group's transaction: a replay or conflict when the key was seen
/// (in an earlier group or earlier in this one), else a new row.
async fn save_one(conn: &mut SqliteConnection, save: &Save) -> Result<Saved, StoreError> {
    if let Some(key) = &save.key {
        let existing: Option<Row> = sqlx::query_as(
            "SELECT id, created_at_ms, request, result FROM assessments WHERE idempotency_key = ?",
        )
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = existing {
            let first = stored(row);
            return if first.request == save.request {
                Ok(Saved::Replayed(first))
            } else {
                Err(StoreError::IdempotencyConflict)
            };
        }
    }
    let s = Stored {
        id: new_id(),
        created_at_ms: now_ms(),
        request: save.request.clone(),
        result: save.result.clone(),
    };
    sqlx::query(
        "INSERT INTO assessments (id, created_at_ms, idempotency_key, request, result) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&s.id)
    .bind(s.created_at_ms)
    .bind(save.key.as_deref())
    .bind(&s.request)
    .bind(&s.result)
    .execute(&mut *conn)
    .await?;
    Ok(Saved::Created(s))
}

/// The durable settings every connection gets; sqlx sets neither WAL nor FULL itself.
fn connect_options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true))
}

/// Fails unless this connection is in WAL mode with `synchronous=FULL`.
async fn check_durability(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?;
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
        .fetch_one(&mut *conn)
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

#[cfg(test)]
mod tests {
    //! The group's semantics, on groups built by hand so that which saves share a
    //! transaction is certain (the integration suite drives the same through the channel).
    use super::*;

    async fn writer(dir: &tempfile::TempDir) -> Writer {
        let url = format!("sqlite://{}/group.db", dir.path().display());
        let options = connect_options(&url).expect("options");
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .expect("connect");
        MIGRATOR.run(&mut conn).await.expect("migrate");
        Writer {
            options,
            conn: Some(conn),
        }
    }

    fn save(request: &str, key: Option<&str>) -> Save {
        Save {
            request: request.to_string(),
            result: "{}".to_string(),
            key: key.map(str::to_string),
        }
    }

    /// Runs one group through `commit_group` and collects every caller's answer.
    async fn group(w: &mut Writer, saves: Vec<Save>) -> Vec<Result<Saved, StoreError>> {
        let mut jobs = Vec::new();
        let mut answers = Vec::new();
        for s in saves {
            let (reply, answer) = oneshot::channel();
            jobs.push((s, reply));
            answers.push(answer);
        }
        w.commit_group(jobs).await;
        let mut out = Vec::new();
        for a in answers {
            out.push(a.await.expect("every caller is answered"));
        }
        out
    }

    async fn rows(w: &mut Writer) -> i64 {
        let conn = w.connection().await.expect("connection");
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM assessments")
            .fetch_one(conn)
            .await
            .expect("count");
        n
    }

    async fn exec(w: &mut Writer, sql: &str) {
        let conn = w.connection().await.expect("connection");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(conn)
            .await
            .expect("setup sql");
    }

    #[tokio::test]
    async fn one_key_twice_in_one_group_is_one_row_and_a_replay() {
        let dir = tempfile::tempdir().expect("dir");
        let mut w = writer(&dir).await;
        let out = group(
            &mut w,
            vec![
                save(r#"{"a":1}"#, Some("k")),
                save(r#"{"a":1}"#, Some("k")),
                save(r#"{"b":2}"#, Some("k")),
                save(r#"{"c":3}"#, None),
            ],
        )
        .await;
        let [first, second, third, fourth] = <[_; 4]>::try_from(out).expect("four answers");
        let Ok(Saved::Created(first)) = first else {
            panic!("the first save creates the row: {first:?}")
        };
        let Ok(Saved::Replayed(second)) = second else {
            panic!("the second is a replay: {second:?}")
        };
        assert_eq!(first, second, "both callers get the same id and result");
        assert!(
            matches!(third, Err(StoreError::IdempotencyConflict)),
            "{third:?}"
        );
        assert!(matches!(fourth, Ok(Saved::Created(_))), "{fourth:?}");
        assert_eq!(rows(&mut w).await, 2);
    }

    #[tokio::test]
    async fn a_failing_save_fails_alone_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let mut w = writer(&dir).await;
        // The insert itself fails, after its row was written, for this one request.
        exec(
            &mut w,
            "CREATE TRIGGER poison AFTER INSERT ON assessments \
             WHEN NEW.request LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
        )
        .await;
        let out = group(
            &mut w,
            vec![
                save(r#"{"good":1}"#, None),
                save(r#"{"poison":true}"#, Some("p")),
                save(r#"{"good":2}"#, Some("p")),
            ],
        )
        .await;
        assert!(matches!(out[0], Ok(Saved::Created(_))), "{:?}", out[0]);
        assert!(matches!(out[1], Err(StoreError::Db(_))), "{:?}", out[1]);
        // The failed save's key was rolled back with it: the next save owns the key.
        assert!(matches!(out[2], Ok(Saved::Created(_))), "{:?}", out[2]);
        assert_eq!(rows(&mut w).await, 2);
    }

    #[tokio::test]
    async fn a_failed_commit_fails_every_save_in_the_group_and_the_next_group_commits() {
        let dir = tempfile::tempdir().expect("dir");
        let mut w = writer(&dir).await;
        // A deferred foreign key is checked at COMMIT: this request makes the commit fail.
        exec(
            &mut w,
            "CREATE TABLE parent (id INTEGER PRIMARY KEY); \
             CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED); \
             CREATE TRIGGER poison AFTER INSERT ON assessments \
             WHEN NEW.request LIKE '%poison%' BEGIN INSERT INTO child VALUES (42); END",
        )
        .await;
        let out = group(
            &mut w,
            vec![
                save(r#"{"good":1}"#, None),
                save(r#"{"poison":true}"#, None),
                save(r#"{"good":2}"#, Some("g")),
            ],
        )
        .await;
        for o in &out {
            assert!(matches!(o, Err(StoreError::Transaction(_))), "{o:?}");
        }
        assert!(
            w.conn.is_none(),
            "the writer reconnects after a failed group"
        );
        assert_eq!(
            rows(&mut w).await,
            0,
            "nobody was told it was stored; nothing was"
        );
        let out = group(&mut w, vec![save(r#"{"good":2}"#, Some("g"))]).await;
        assert!(matches!(out[0], Ok(Saved::Created(_))), "{:?}", out[0]);
        assert_eq!(rows(&mut w).await, 1);
    }

    #[tokio::test]
    async fn the_writer_skips_callers_that_left_and_ends_when_the_queue_closes() {
        let dir = tempfile::tempdir().expect("dir");
        let w = writer(&dir).await;
        let url = format!("sqlite://{}/group.db", dir.path().display());
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (gone, _) = oneshot::channel();
        jobs.send(Job::Save(save(r#"{"left":1}"#, None), gone))
            .await
            .expect("queued");
        let (reply, answer) = oneshot::channel();
        jobs.send(Job::Save(save(r#"{"stays":1}"#, None), reply))
            .await
            .expect("queued");
        drop(jobs);
        let (done, _) = watch::channel(());
        // Returns only because the queue closed.
        w.run(queue, done).await;
        let kept = answer.await.expect("answered").expect("saved");
        let mut conn = SqliteConnection::connect_with(&connect_options(&url).expect("options"))
            .await
            .expect("reopen");
        let stored: Vec<(String,)> = sqlx::query_as("SELECT id FROM assessments")
            .fetch_all(&mut conn)
            .await
            .expect("rows");
        assert_eq!(stored, vec![(kept.stored().id.clone(),)]);
    }
}
