//! The API contract and every error status, through `app(state)` without a socket, on
//! SQLite (and on PostgreSQL when `NEXTSEAT_TEST_POSTGRES_URL` is set).
#![allow(missing_docs)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use nextseat_core::KnowledgeBase;
use nextseat_store::Store;
use nextseat_web::{AppState, app};
use std::sync::Arc;
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn state_on(url: &str) -> AppState {
    AppState::new(
        Arc::new(KnowledgeBase::default_kb()),
        Store::open(url).await.expect("store opens"),
    )
}

async fn sqlite_state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/t.db", dir.path().display());
    (state_on(&url).await, dir)
}

async fn call(state: &AppState, req: Request<Body>) -> Reply {
    let res = app(state.clone()).oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Reply {
        status,
        content_type,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn post(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

const PROFILE: &str = r#"{"company":{"name":"Acme","employees":35,"annual_revenue_usd":2500000},
 "situation":{"signs":["coo.firefighting","coo.missing_sops","coo.weak_accountability"]}}"#;

async fn contract(state: &AppState) {
    let r = call(
        state,
        Request::get("/healthz").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);

    // Stateless assessment: the same JSON as the CLI.
    let r = call(state, post("/api/v1/assess", PROFILE)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["primary"], "coo");
    assert_eq!(v["needs"].as_array().map(Vec::len), Some(4));

    // Stored assessment: 201, then readable by id, and as an HTML report.
    let r = call(state, post("/api/v1/assessments", PROFILE)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    let id = v["id"].as_str().expect("id").to_string();
    assert_eq!(
        uuid::Uuid::parse_str(&id).expect("uuid").get_version_num(),
        4
    );
    assert_eq!(v["report_url"], format!("/r/{id}"));
    assert_eq!(v["result"]["primary"], "coo");
    let got = call(
        state,
        Request::get(format!("/api/v1/assessments/{id}"))
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    let g = got.json();
    assert_eq!(g["profile"]["company"]["name"], "Acme");
    assert_eq!(g["result"], v["result"]);
    let html = call(
        state,
        Request::get(format!("/r/{id}"))
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.content_type.starts_with("text/html"));
    assert!(html.body.contains("<svg id=\"scores-chart\""));

    // Idempotency: a retry returns the first result and stores nothing new.
    let keyed = |body: &str| {
        Request::post("/api/v1/assessments")
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", format!("k-{id}"))
            .body(Body::from(body.to_string()))
            .expect("req")
    };
    let a = call(state, keyed(PROFILE)).await;
    let b = call(state, keyed(PROFILE)).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(b.status, StatusCode::CREATED);
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert_eq!(
        b.headers.get("idempotent-replayed").map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    let c = call(state, keyed(r#"{"company":{"employees":5}}"#)).await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.content_type, "application/problem+json");
}

async fn errors(state: &AppState) {
    let problem = |r: &Reply, status: StatusCode| {
        assert_eq!(r.status, status, "{}", r.body);
        assert_eq!(r.content_type, "application/problem+json");
        let v = r.json();
        assert_eq!(v["status"], status.as_u16());
        assert!(v["title"].is_string() && v["detail"].is_string());
    };
    // 400 malformed JSON.
    problem(
        &call(state, post("/api/v1/assess", "{not json")).await,
        StatusCode::BAD_REQUEST,
    );
    // 415 wrong content type.
    let r = call(
        state,
        Request::post("/api/v1/assess")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(PROFILE))
            .expect("req"),
    )
    .await;
    problem(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // 413 over 1 MiB.
    let big = format!(
        "{{\"company\":{{\"employees\":3,\"name\":\"{}\"}}}}",
        "a".repeat(1_100_000)
    );
    problem(
        &call(state, post("/api/v1/assess", &big)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    );
    // 422 invalid values, every one located, with suggestions.
    let r = call(
        state,
        post(
            "/api/v1/assess",
            r#"{"company":{"employees":0},"situation":{"signs":["coo.firefihgting"]}}"#,
        ),
    )
    .await;
    problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    let v = r.json();
    let errs = v["errors"].as_array().expect("errors");
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[1]["suggestion"], "coo.firefighting");
    // 422 unknown key.
    problem(
        &call(
            state,
            post("/api/v1/assess", r#"{"company":{"employees":3,"x":1}}"#),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    // 404s: unknown API route, malformed id: problem documents.
    for uri in ["/api/v1/nope", "/api/v1/assessments/not-a-uuid"] {
        problem(&page(state, uri).await, StatusCode::NOT_FOUND);
    }
    // On the site (an unknown page, an unknown report) a page a person can leave.
    for uri in [
        "/nope",
        "/r/00000000-0000-4000-8000-000000000000",
        "/r/not-a-uuid",
    ] {
        let r = page(state, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.content_type.starts_with("text/html"), "{uri}");
        assert!(r.body.contains("<h1>Not found</h1>"), "{uri}: {}", r.body);
        assert!(r.body.contains("<nav>"), "{uri}: the site's navigation");
    }
    // 400 bad idempotency key.
    let r = call(
        state,
        Request::post("/api/v1/assessments")
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "has space")
            .body(Body::from(PROFILE))
            .expect("req"),
    )
    .await;
    problem(&r, StatusCode::BAD_REQUEST);
    // 405 is not a 500, and is a problem document that keeps its Allow header.
    let r = call(
        state,
        Request::delete("/api/v1/assess")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    problem(&r, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        r.headers.get(header::ALLOW).map(|v| v.as_bytes()),
        Some(&b"POST"[..])
    );
}

#[tokio::test]
async fn no_route_answers_an_error_in_plain_text() {
    let (state, _dir) = sqlite_state().await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("req");
    let cases = [
        // The query string names a role twice (axum's Query rejection).
        (
            get("/compare?a=coo&a=cso&b=coo"),
            StatusCode::BAD_REQUEST,
            "duplicate field `a`",
        ),
        // A wrong method (the router's own 405).
        (
            Request::delete("/api/v1/assess")
                .body(Body::empty())
                .expect("req"),
            StatusCode::METHOD_NOT_ALLOWED,
            "does not accept DELETE",
        ),
        (
            Request::put("/r/00000000-0000-4000-8000-000000000000")
                .body(Body::empty())
                .expect("req"),
            StatusCode::METHOD_NOT_ALLOWED,
            "does not accept PUT",
        ),
        // Percent-encoding that decodes to bytes that are not UTF-8 (axum's Path rejection).
        (
            get("/api/v1/assessments/%FF"),
            StatusCode::BAD_REQUEST,
            "Invalid UTF-8",
        ),
        (get("/r/%C3%28"), StatusCode::BAD_REQUEST, "Invalid UTF-8"),
    ];
    for (req, status, says) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let site = !req.uri().path().starts_with("/api/");
        let r = call(&state, req).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        if site {
            // The site's pages answer with a page that says the same, escaped.
            assert!(r.content_type.starts_with("text/html"), "{what}");
            let said = says.replace('`', "&#96;");
            assert!(
                r.body.contains(says) || r.body.contains(&said),
                "{what}: {}",
                r.body
            );
            continue;
        }
        assert_eq!(r.content_type, "application/problem+json", "{what}");
        let v = r.json();
        assert_eq!(v["status"], status.as_u16(), "{what}");
        assert_eq!(v["type"], "about:blank", "{what}");
        assert!(
            v["detail"].as_str().is_some_and(|d| d.contains(says)),
            "{what}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn api_contract_on_sqlite() {
    let (state, _dir) = sqlite_state().await;
    contract(&state).await;
    errors(&state).await;
}

#[tokio::test]
async fn api_contract_on_postgres() {
    let Ok(url) = std::env::var("NEXTSEAT_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set NEXTSEAT_TEST_POSTGRES_URL"
        );
        eprintln!("NEXTSEAT_TEST_POSTGRES_URL not set: the PostgreSQL run happens in CI");
        return;
    };
    let state = state_on(&url).await;
    contract(&state).await;
    errors(&state).await;
}

#[tokio::test]
async fn hostile_text_comes_back_escaped_in_the_report() {
    let (state, _dir) = sqlite_state().await;
    let body = r#"{"company":{"name":"<script>alert('x')</script>\"><img src=x onerror=1>","employees":12,"industry":"<b>bold</b>"},"leadership":{"ceo_gaps":["<i>ops</i>"]},"situation":{"narrative":"<script>fires</script> constantly putting out fires"}}"#;
    let r = call(&state, post("/api/v1/assessments", body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().expect("id").to_string();
    let html = call(
        &state,
        Request::get(format!("/r/{id}"))
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(!html.body.contains("<script>"), "script tags escaped");
    assert!(!html.body.contains("<img src=x"), "markup escaped");
    assert!(html.body.contains("&#60;script&#62;"));
}

#[tokio::test]
async fn role_reference_and_comparison_pages() {
    let (state, _dir) = sqlite_state().await;
    let r = call(
        &state,
        Request::get("/roles").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"));
    for name in [
        "Chief Strategy Officer",
        "Chief Operating Officer",
        "Chief of Staff",
        "Implementer",
    ] {
        assert!(r.body.contains(name), "{name}");
    }
    assert!(
        r.body.contains("002_facdb4857891abf6.txt"),
        "facts name their article"
    );
    let c = page(&state, "/compare?a=coo&b=implementer").await;
    assert_eq!(c.status, StatusCode::OK);
    assert!(c.body.contains("Chief Operating Officer vs Implementer"));
    assert!(c.body.contains("Primary question"));
    let icon = page(&state, "/favicon.ico").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.content_type, "image/svg+xml");
    assert!(icon.body.starts_with("<svg"));
    let aliases = page(&state, "/compare?a=COO&b=chief-of-staff").await;
    assert_eq!(aliases.status, StatusCode::OK, "{}", aliases.body);
    assert!(
        aliases
            .body
            .contains("Chief Operating Officer vs Chief of Staff")
    );
    let bad = page(&state, "/compare?a=cto&b=coo").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// GET `path` from the app.
async fn page(state: &AppState, path: &str) -> Reply {
    call(state, Request::get(path).body(Body::empty()).expect("req")).await
}

fn form(body: &str) -> Request<Body> {
    Request::post("/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .expect("request")
}

#[tokio::test]
async fn questionnaire_covers_every_field_and_sign() {
    let (state, _dir) = sqlite_state().await;
    let r = call(&state, Request::get("/").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"));
    for field in [
        "name=\"name\"",
        "name=\"employees\"",
        "name=\"annual_revenue_usd\"",
        "name=\"industry\"",
        "name=\"operational_intensity\"",
        "name=\"market\"",
        "name=\"growth\"",
        "name=\"current_roles\"",
        "name=\"ceo_experience_years\"",
        "name=\"ceo_strengths\"",
        "name=\"ceo_gaps\"",
        "name=\"ceo_plans_to_step_down\"",
        "name=\"retain_key_executive\"",
        "name=\"events\"",
        "name=\"budget\"",
        "name=\"narrative\"",
        "name=\"short_term\"",
        "name=\"long_term\"",
    ] {
        assert!(r.body.contains(field), "questionnaire lacks {field}");
    }
    let kb = KnowledgeBase::default_kb();
    for s in &kb.signs {
        assert!(
            r.body.contains(&format!("value=\"{}\"", s.id)),
            "sign {} offered",
            s.id
        );
    }
}

#[tokio::test]
async fn questionnaire_shows_errors_next_to_fields_and_keeps_input() {
    let (state, _dir) = sqlite_state().await;
    let r = call(
        &state,
        form("name=%3Cb%3EAcme%3C%2Fb%3E&employees=lots&annual_revenue_usd=-5&signs=coo.firefighting&narrative=fires+everywhere"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"employees-error\""),
        "error next to employees"
    );
    assert!(
        r.body.contains("Enter a whole number (e.g. 35)."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Enter an amount in dollars, 0 or more"),
        "a negative revenue is refused with what to type"
    );
    assert!(r.body.contains("value=\"lots\""), "keeps what was typed");
    assert!(
        r.body.contains("value=\"coo.firefighting\" checked"),
        "keeps the ticked sign"
    );
    assert!(r.body.contains("fires everywhere</textarea>"));
    assert!(r.body.contains("&#60;b&#62;Acme"), "typed text is escaped");
    assert!(!r.body.contains("<b>Acme"));
}

#[tokio::test]
async fn the_form_reads_revenue_as_people_type_it() {
    let (state, _dir) = sqlite_state().await;
    let r = call(&state, form("employees=1%2C200&annual_revenue_usd=%242.5M")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = location(&r).trim_start_matches("/r/").to_string();
    let stored = page(&state, &format!("/api/v1/assessments/{id}")).await;
    let v: serde_json::Value = serde_json::from_str(&stored.body).expect("json");
    assert_eq!(v["profile"]["company"]["annual_revenue_usd"], 2_500_000.0);
    assert_eq!(v["profile"]["company"]["employees"], 1200);
}

#[tokio::test]
async fn questionnaire_submission_lands_on_the_report() {
    let (state, _dir) = sqlite_state().await;
    let r = call(
        &state,
        form("name=Acme&employees=35&annual_revenue_usd=2%2C500%2C000&operational_intensity=high&growth=rapid&signs=coo.firefighting&signs=coo.missing_sops&signs=coo.slipping_deliverables&narrative=Orders+keep+going+out+late"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = location(&r);
    assert!(location.starts_with("/r/"));
    let report = call(
        &state,
        Request::get(&location).body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains(
        "Next seat</span><br><strong>Chief Operating Officer (COO), fractional</strong>"
    ));
    let pdf = format!("href=\"{location}.pdf\"");
    assert!(report.body.contains(&pdf), "a link to the PDF");
}

/// Where a redirect points.
fn location(r: &Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_string()
}

/// The value of the hidden input `name` in a page.
fn hidden(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &body[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

#[tokio::test]
async fn narrative_signs_are_confirmed_before_they_count() {
    let (state, _dir) = sqlite_state().await;
    let typed = "name=Acme&employees=35&narrative=Orders+keep+going+out+late+and+I+am+always+putting+out+fires";
    // First submission: the signs found come back ticked, each with its words.
    let r = call(&state, form(typed)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"suggestions\""), "{}", r.body);
    for id in ["coo.slipping_deliverables", "coo.firefighting"] {
        assert!(
            r.body
                .contains(&format!("name=\"narrative_signs\" value=\"{id}\" checked")),
            "{id} offered ticked"
        );
    }
    let key = hidden(&r.body, "reviewed").expect("review key");
    let phrase = hidden(&r.body, "phrase.coo.firefighting").expect("phrase");
    assert!(phrase.contains("putting out fires"), "{phrase}");
    // The founder unticks the slipping deliverables and keeps the firefighting.
    let confirmed = format!(
        "{typed}&reviewed={key}&narrative_signs=coo.firefighting&phrase.coo.firefighting={}&phrase.coo.slipping_deliverables=Orders",
        phrase.replace(' ', "+")
    );
    let r = call(&state, form(&confirmed)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = location(&r);
    let id = location.trim_start_matches("/r/");
    let stored = call(
        &state,
        Request::get(format!("/api/v1/assessments/{id}"))
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&stored.body).expect("json");
    let signs: Vec<&str> = v["result"]["signs"]
        .as_array()
        .expect("signs")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(
        signs,
        vec!["coo.firefighting"],
        "the unticked sign stays out"
    );
    assert_eq!(
        v["profile"]["situation"]["narrative_signs"][0]["id"],
        "coo.firefighting"
    );
    // A narrative edited after the review is read again.
    let edited = confirmed.replace("putting+out+fires", "fighting+fires");
    let r = call(&state, form(&edited)).await;
    assert_eq!(r.status, StatusCode::OK, "read again: {}", r.body);
    assert!(r.body.contains("id=\"suggestions\""));
}

#[tokio::test]
async fn diagnose_reads_a_text_as_the_cli_does() {
    let (state, _dir) = sqlite_state().await;
    let text = "We are always putting out fires. Sales are fine.";
    let r = call(
        &state,
        post(
            "/api/v1/diagnose",
            &serde_json::json!({"text": text}).to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let expected = serde_json::to_value(state.kb.diagnose(text)).expect("diagnosis as JSON");
    assert_eq!(r.json(), expected);
    assert_eq!(r.json()["signs"][0]["id"], "coo.firefighting");
    let r = call(&state, post("/api/v1/diagnose", r#"{"txt": "a"}"#)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["title"], "Invalid request");
    assert_eq!(r.json()["errors"].as_array().map(Vec::len), Some(2));
    let r = call(&state, post("/api/v1/diagnose", "{")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn openapi_document_describes_every_api_route() {
    let (state, _dir) = sqlite_state().await;
    let r = page(&state, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert!(v["openapi"].as_str().is_some_and(|s| s.starts_with("3.")));
    for (path, method) in [
        ("/api/v1/assess", "post"),
        ("/api/v1/assessments", "post"),
        ("/api/v1/assessments/{id}", "get"),
        ("/api/v1/diagnose", "post"),
        ("/healthz", "get"),
    ] {
        assert!(
            v["paths"][path][method].is_object(),
            "{method} {path} documented"
        );
    }
    let created = &v["paths"]["/api/v1/assessments"]["post"]["responses"];
    for code in [
        "201", "400", "403", "408", "413", "415", "422", "429", "500",
    ] {
        assert!(created[code].is_object(), "status {code} documented");
    }
    assert!(created["422"]["content"]["application/problem+json"].is_object());
    assert!(v["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn openapi_document_states_what_the_server_enforces() {
    let (state, _dir) = sqlite_state().await;
    let r = page(&state, "/api/v1/openapi.json").await;
    let v = r.json();
    let schemas = &v["components"]["schemas"];

    // Full request and response schemas, not free-form objects.
    for (path, media) in [("/api/v1/assess", "200"), ("/api/v1/assessments", "201")] {
        let op = &v["paths"][path]["post"];
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Profile"
        );
        assert!(
            op["responses"][media]["content"]["application/json"]["schema"]["$ref"].is_string()
        );
    }
    assert_eq!(
        schemas["Created"]["properties"]["result"]["$ref"],
        "#/components/schemas/Assessment"
    );
    assert_eq!(
        schemas["Fetched"]["properties"]["profile"]["$ref"],
        "#/components/schemas/Profile"
    );
    for name in [
        "Profile",
        "Company",
        "Leadership",
        "Situation",
        "Objectives",
    ] {
        assert_eq!(
            schemas[name]["additionalProperties"], false,
            "{name} refuses unknown keys"
        );
    }
    let employees = &schemas["Company"]["properties"]["employees"];
    assert_eq!(employees["type"], "integer");
    assert_eq!(
        (employees["minimum"].as_i64(), employees["maximum"].as_i64()),
        (Some(1), Some(4_294_967_295))
    );
    assert_eq!(schemas["FreeText"]["maxLength"], 20_000);

    // Sign and event ids are the knowledge base's, and lists no longer than it has.
    let kb = KnowledgeBase::default_kb();
    let situation = &schemas["Situation"]["properties"];
    let signs: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
    let events: Vec<&str> = kb.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        situation["signs"]["items"]["enum"],
        serde_json::json!(signs)
    );
    assert_eq!(situation["signs"]["maxItems"], signs.len());
    assert_eq!(
        situation["events"]["items"]["enum"],
        serde_json::json!(events)
    );
    assert_eq!(situation["events"]["maxItems"], events.len());

    // The Idempotency-Key's constraints, as idempotency_key() checks them.
    let key = &v["paths"]["/api/v1/assessments"]["post"]["parameters"][0];
    assert_eq!(key["name"], "Idempotency-Key");
    assert_eq!(key["in"], "header");
    assert_eq!(key["schema"]["type"], "string");
    assert_eq!(key["schema"]["minLength"], 1);
    assert_eq!(key["schema"]["maxLength"], nextseat_web::api::MAX_KEY);
    assert_eq!(key["schema"]["pattern"], "^[!-~]+$");

    // Response headers.
    let created = &v["paths"]["/api/v1/assessments"]["post"]["responses"];
    assert!(created["201"]["headers"]["Location"].is_object());
    assert!(created["201"]["headers"]["Idempotent-Replayed"].is_object());
    assert!(created["429"]["headers"]["Retry-After"].is_object());

    // Every error an API route declares is a problem document; a site page's is a page.
    let paths = v["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let media = if nextseat_web::error::is_site_path(path) {
            "text/html"
        } else {
            "application/problem+json"
        };
        for (method, op) in item.as_object().expect("operations") {
            for (code, response) in op["responses"].as_object().expect("responses") {
                if code.starts_with('4') || code.starts_with('5') {
                    assert!(
                        response["content"][media].is_object(),
                        "{method} {path} {code}"
                    );
                }
            }
            assert!(op["responses"]["408"].is_object(), "{method} {path} 408");
            assert!(op["responses"]["429"].is_object(), "{method} {path} 429");
        }
    }

    // Built once, then served as the same bytes.
    let a = state.openapi_json().expect("document");
    let b = state.openapi_json().expect("document");
    assert_eq!(a.as_ptr(), b.as_ptr());
    assert_eq!(a, r.body.as_bytes());
}

#[tokio::test]
async fn a_hostile_body_gets_one_short_answer() {
    let (state, _dir) = sqlite_state().await;
    // Just under the 1 MiB limit: a quarter of a million unknown sign ids.
    let ids = vec!["\"x\""; 250_000].join(",");
    let body = format!(r#"{{"company":{{"employees":3}},"situation":{{"signs":[{ids}]}}}}"#);
    assert!(body.len() < nextseat_web::BODY_LIMIT);
    let r = call(&state, post("/api/v1/assess", &body)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v = r.json();
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{}", &r.body[..r.body.len().min(500)]);
    assert_eq!(errors[0]["key"], "situation.signs");
    assert!(r.body.len() < 1_000, "{} bytes", r.body.len());
}

#[tokio::test]
async fn an_idempotency_key_sent_twice_is_refused() {
    let (state, _dir) = sqlite_state().await;
    let req = Request::post("/api/v1/assessments")
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", "a")
        .header("idempotency-key", "b")
        .body(Body::from(PROFILE))
        .expect("req");
    let r = call(&state, req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("more than once"))
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (state, _dir) = sqlite_state().await;
    for uri in ["/", "/roles", "/nope", "/api/v1/openapi.json", "/healthz"] {
        let r = call(&state, Request::get(uri).body(Body::empty()).expect("req")).await;
        for (name, value) in nextseat_web::SECURITY_HEADERS {
            assert_eq!(
                r.headers.get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{name} on {uri}"
            );
        }
        let csp = r.headers["content-security-policy"]
            .to_str()
            .expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
    }
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_store_nothing() {
    let (state, dir) = sqlite_state().await;
    let body = "employees=12&name=Forged";
    let cross = |headers: &[(&str, &str)]| {
        let mut r = Request::post("/")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "nextseat.example");
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::from(body)).expect("req")
    };
    for headers in [
        &[("sec-fetch-site", "cross-site")][..],
        &[("origin", "https://evil.example")][..],
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://sub.nextseat.example"),
        ][..],
    ] {
        let r = call(&state, cross(headers)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}: {}", r.body);
        assert!(
            r.content_type.starts_with("text/html"),
            "a page on the site"
        );
    }
    // The API refuses them too; a script (no browser headers) is let through.
    let api = Request::post("/api/v1/assessments")
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(PROFILE))
        .expect("req");
    assert_eq!(call(&state, api).await.status, StatusCode::FORBIDDEN);
    let rows = count_rows(&dir).await;
    assert_eq!(rows, 0, "a refused request stored something");
    for headers in [
        &[("sec-fetch-site", "same-origin")][..],
        &[("origin", "http://nextseat.example")][..],
        &[][..],
    ] {
        let r = call(&state, cross(headers)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{headers:?}: {}", r.body);
    }
    assert_eq!(count_rows(&dir).await, 3);
}

async fn sqlite_conn(dir: &tempfile::TempDir) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    sqlx::SqliteConnection::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .expect("connect")
}

async fn count_rows(dir: &tempfile::TempDir) -> i64 {
    let mut conn = sqlite_conn(dir).await;
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM assessments")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    n
}

async fn exec(dir: &tempfile::TempDir, sql: &'static str) {
    let mut conn = sqlite_conn(dir).await;
    sqlx::query(sql).execute(&mut conn).await.expect(sql);
}

#[tokio::test]
async fn health_says_503_while_the_database_refuses_writes() {
    let (state, dir) = sqlite_state().await;
    let health = |state: AppState| async move {
        call(
            &state,
            Request::get("/healthz").body(Body::empty()).expect("req"),
        )
        .await
    };
    assert_eq!(health(state.clone()).await.status, StatusCode::OK);

    // Saves fail (as on a full disk): the failed save is reported until one works.
    exec(&dir, "CREATE TRIGGER full BEFORE INSERT ON assessments BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END").await;
    let r = call(&state, post("/api/v1/assessments", PROFILE)).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    let r = health(state.clone()).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    assert!(
        r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("the last save failed"))
    );
    exec(&dir, "DROP TRIGGER full").await;
    assert_eq!(
        call(&state, post("/api/v1/assessments", PROFILE))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(health(state.clone()).await.status, StatusCode::OK);

    // The probe row cannot be written: 503 before any client's save fails.
    exec(&dir, "CREATE TRIGGER ro BEFORE UPDATE ON health BEGIN SELECT RAISE(FAIL, 'attempt to write a readonly database'); END").await;
    let fresh = AppState::new(Arc::clone(&state.kb), state.store.clone());
    let r = health(fresh).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(
        r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("does not accept writes"))
    );
}
