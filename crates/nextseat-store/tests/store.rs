//! The storage suite, run against SQLite always and against a real PostgreSQL when
//! `NEXTSEAT_TEST_POSTGRES_URL` is set (CI sets it, and fails if it is missing).
#![allow(missing_docs)]

use nextseat_store::{AssessmentStore, Saved, Store, StoreError};
use std::collections::HashSet;

fn unique(tag: &str) -> String {
    format!("{tag}-{}", nextseat_store::new_id())
}

async fn suite(store: &Store) {
    // Save and read back.
    let req = format!(
        "{{\"company\":{{\"name\":\"{}\",\"employees\":3}}}}",
        unique("co")
    );
    let saved = store.save(&req, "{\"r\":1}", None).await.expect("save");
    let Saved::Created(first) = saved else {
        panic!("a save without a key creates a row")
    };
    let got = store.get(&first.id).await.expect("get").expect("found");
    assert_eq!(got, first);
    assert!(
        store
            .get(&nextseat_store::new_id())
            .await
            .expect("get")
            .is_none()
    );
    assert!(
        store
            .get("'; DROP TABLE assessments; --")
            .await
            .expect("get")
            .is_none()
    );

    // Ids: UUID v4, distinct.
    let mut ids = HashSet::new();
    for _ in 0..50 {
        let s = store.save(&req, "{}", None).await.expect("save");
        let id = s.stored().id.clone();
        let u = uuid::Uuid::parse_str(&id).expect("uuid");
        assert_eq!(u.get_version_num(), 4);
        assert!(ids.insert(id));
    }

    // Idempotent retry: same key, same request -> the first row, nothing new.
    let key = unique("key");
    let a = store
        .save(&req, "{\"first\":true}", Some(&key))
        .await
        .expect("save");
    let b = store
        .save(&req, "{\"second\":true}", Some(&key))
        .await
        .expect("replay");
    assert!(matches!(a, Saved::Created(_)));
    assert!(matches!(b, Saved::Replayed(_)));
    assert_eq!(a.stored(), b.stored(), "the retry gets the first result");

    // Same key, different request -> conflict.
    let other = store.save("{\"different\":1}", "{}", Some(&key)).await;
    assert!(
        matches!(other, Err(StoreError::IdempotencyConflict)),
        "{other:?}"
    );

    // Concurrent retries with one key: exactly one row.
    let key = unique("race");
    let mut handles = Vec::new();
    for _ in 0..16 {
        let s = store.clone();
        let k = key.clone();
        let r = req.clone();
        handles.push(tokio::spawn(
            async move { s.save(&r, "{}", Some(&k)).await },
        ));
    }
    let mut created = 0;
    let mut seen = HashSet::new();
    for h in handles {
        let saved = h.await.expect("task").expect("save");
        if matches!(saved, Saved::Created(_)) {
            created += 1;
        }
        seen.insert(saved.stored().id.clone());
    }
    assert_eq!(created, 1, "one row for one key");
    assert_eq!(seen.len(), 1, "every retry sees the same id");

    concurrent_saves(store).await;
    mixed_burst(store).await;

    store.ping().await.expect("ping");
}

/// Many saves at once (on SQLite they share group commits): every one is stored under
/// its own id and reads back as sent.
async fn concurrent_saves(store: &Store) {
    let tag = unique("burst");
    let mut handles = Vec::new();
    for i in 0..200 {
        let s = store.clone();
        let req = format!(
            "{{\"company\":{{\"name\":\"{tag} {i}\",\"employees\":{}}}}}",
            i + 1
        );
        let res = format!("{{\"n\":{i}}}");
        let key = (i % 2 == 0).then(|| format!("{tag}-{i}"));
        handles.push(tokio::spawn(async move {
            let saved = s.save(&req, &res, key.as_deref()).await;
            (req, res, saved)
        }));
    }
    let mut ids = HashSet::new();
    for h in handles {
        let (req, res, saved) = h.await.expect("task");
        let Saved::Created(row) = saved.expect("save") else {
            panic!("a fresh request creates a row")
        };
        assert!(ids.insert(row.id.clone()), "ids are distinct");
        let got = store.get(&row.id).await.expect("get").expect("stored");
        assert_eq!(
            (got.request.as_str(), got.result.as_str()),
            (req.as_str(), res.as_str())
        );
        assert_eq!(got, row);
    }
    assert_eq!(ids.len(), 200);
}

/// Good and bad saves in one burst: only the bad ones (a key reused with a different
/// request) fail; every good one is stored and readable.
async fn mixed_burst(store: &Store) {
    let key = unique("taken");
    let first = store
        .save("{\"first\":true}", "{}", Some(&key))
        .await
        .expect("save");
    let mut handles = Vec::new();
    for i in 0..40 {
        let s = store.clone();
        let k = key.clone();
        handles.push(tokio::spawn(async move {
            let bad = i % 10 == 3;
            let saved = if bad {
                s.save(&format!("{{\"other\":{i}}}"), "{}", Some(&k)).await
            } else {
                s.save(&format!("{{\"good\":{i}}}"), "{}", None).await
            };
            (bad, saved)
        }));
    }
    let mut failed = 0;
    for h in handles {
        match h.await.expect("task") {
            (true, saved) => {
                assert!(
                    matches!(saved, Err(StoreError::IdempotencyConflict)),
                    "{saved:?}"
                );
                failed += 1;
            }
            (false, saved) => {
                let saved = saved.expect("a good save in a bad burst still succeeds");
                let id = &saved.stored().id;
                assert!(store.get(id).await.expect("get").is_some(), "{id} stored");
            }
        }
    }
    assert_eq!(failed, 4);
    let again = store
        .save("{\"first\":true}", "{}", Some(&key))
        .await
        .expect("replay");
    assert_eq!(
        again.stored(),
        first.stored(),
        "the key still names the first row"
    );
}

#[tokio::test]
async fn sqlite_suite() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/nextseat.db", dir.path().display());
    let store = Store::open(&url).await.expect("open");
    assert_eq!(store.backend(), "sqlite");
    suite(&store).await;
}

#[tokio::test]
async fn sqlite_is_durable_mode_and_persists_across_reopen() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/nextseat.db", dir.path().display());
    let id = {
        let store = Store::open(&url).await.expect("open");
        let Store::Sqlite(s) = &store else {
            panic!("sqlite")
        };
        s.check_durability().await.expect("WAL + synchronous=FULL");
        store
            .save("{}", "{\"x\":1}", None)
            .await
            .expect("save")
            .stored()
            .id
            .clone()
    };
    let again = Store::open(&url).await.expect("reopen");
    let got = again.get(&id).await.expect("get").expect("still there");
    assert_eq!(got.result, "{\"x\":1}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_suite_on_a_multi_thread_runtime() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/nextseat.db", dir.path().display());
    let store = Store::open(&url).await.expect("open");
    suite(&store).await;
}

#[tokio::test]
async fn closing_waits_for_queued_saves_then_the_file_reopens_with_all_of_them() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/nextseat.db", dir.path().display());
    let store = Store::open(&url).await.expect("open");
    let mut handles = Vec::new();
    for i in 0..50 {
        let s = store.clone();
        handles.push(tokio::spawn(async move {
            s.save(&format!("{{\"n\":{i}}}"), "{}", None).await
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.expect("task").expect("save").stored().id.clone());
    }
    // Every clone has gone with its task; close returns once the writer has ended.
    store.close().await;
    let again = Store::open(&url).await.expect("reopen");
    for id in &ids {
        assert!(again.get(id).await.expect("get").is_some(), "{id} kept");
    }
    again.close().await;
}

#[tokio::test]
async fn unknown_scheme_is_refused() {
    let e = Store::open("mysql://localhost/x")
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("mysql:"), "{e}");
}

#[tokio::test]
async fn postgres_suite() {
    let Ok(url) = std::env::var("NEXTSEAT_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set NEXTSEAT_TEST_POSTGRES_URL so the storage suite runs on PostgreSQL"
        );
        eprintln!("NEXTSEAT_TEST_POSTGRES_URL not set: the PostgreSQL suite runs in CI");
        return;
    };
    let store = Store::open(&url).await.expect("open postgres");
    assert_eq!(store.backend(), "postgres");
    suite(&store).await;
}

#[tokio::test]
async fn an_unreachable_postgres_is_named_with_its_cause_and_never_its_password() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let err = Store::open("postgres://someone:hunter2secret@127.0.0.1:1/nextseat")
        .await
        .expect_err("nothing listens on port 1");
    let text = err.to_string();
    assert!(
        text.contains("could not connect to PostgreSQL at 127.0.0.1:1/nextseat"),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(
        !text.contains("hunter2secret"),
        "the password stays out: {text}"
    );
}
