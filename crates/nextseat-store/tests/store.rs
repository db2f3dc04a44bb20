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

    store.ping().await.expect("ping");
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
