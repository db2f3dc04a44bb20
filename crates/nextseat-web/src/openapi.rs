//! `GET /api/v1/openapi.json`: the OpenAPI document, generated from the handlers'
//! annotations and the mirror types of [`crate::schema`] (utoipa), so it cannot drift
//! from the code.
//!
//! Sign and event ids belong to the knowledge base the server runs (a consultancy can
//! load its own), so [`render`] fills them in: `situation.signs` and `situation.events`
//! list the KB's ids and allow no more entries than the KB has, as profile validation
//! does. The document is built once per state ([`crate::AppState::openapi_json`]).
//!
//! Described: the JSON API, `/healthz`, this document, and the read-only pages
//! `/roles`, `/compare` and `/r/{id}`. Not described: the questionnaire at `/` and its
//! form submission, whose fields are typed by people (`$2.5M`, `2,500,000`) and whose
//! invalid submissions come back as the same HTML page with each error beside its field.

use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nextseat_core::KnowledgeBase;
use serde_json::{Value, json};
use utoipa::OpenApi;

/// The API description (before the knowledge base's ids are filled in).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "nextseat API",
        description = "Which leadership seat should a growing company fill next? Profile JSON in, an explained assessment out. Every error is an RFC 9457 problem document (application/problem+json)."
    ),
    paths(
        crate::api::assess_once,
        crate::api::create,
        crate::api::fetch,
        crate::diagnose::diagnose,
        crate::health::health,
        document,
        crate::roles::roles,
        crate::roles::compare_page,
        crate::report::report
    ),
    components(schemas(
        crate::schema::Profile,
        crate::schema::Assessment,
        crate::api::Created,
        crate::api::Fetched,
        crate::error::Problem,
        crate::error::FieldError
    ))
)]
pub struct ApiDoc;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(document))
}

/// The document as JSON text, with `kb`'s sign and event ids filled in.
pub fn render(kb: &KnowledgeBase) -> Result<Bytes, String> {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).map_err(|e| e.to_string())?;
    let situation = doc
        .pointer_mut("/components/schemas/Situation/properties")
        .and_then(Value::as_object_mut)
        .ok_or("the document has no Situation schema")?;
    let ids = |list: Vec<&str>, what: &str| {
        json!({
            "type": "array",
            "description": format!(
                "{what} ids of the knowledge base this server runs; no more entries than it has ids"
            ),
            "items": {"type": "string", "enum": list},
            "maxItems": list.len(),
        })
    };
    situation.insert(
        "signs".into(),
        ids(kb.signs.iter().map(|s| s.id.as_str()).collect(), "Sign"),
    );
    situation.insert(
        "events".into(),
        ids(kb.events.iter().map(|e| e.id.as_str()).collect(), "Event"),
    );
    let signs: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
    let confirmed = doc
        .pointer_mut("/components/schemas/Situation/properties/narrative_signs")
        .and_then(Value::as_object_mut)
        .ok_or("the document has no narrative_signs schema")?;
    confirmed.insert("maxItems".into(), json!(signs.len()));
    let id = doc
        .pointer_mut("/components/schemas/ConfirmedSign/properties/id")
        .and_then(Value::as_object_mut)
        .ok_or("the document has no ConfirmedSign schema")?;
    id.insert("enum".into(), json!(signs));
    serde_json::to_vec_pretty(&doc)
        .map(Bytes::from)
        .map_err(|e| e.to_string())
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", operation_id = "openapi", tag = "api",
    responses(
        (status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json"),
        crate::error::PageErrors
    ))]
pub async fn document(State(state): State<AppState>) -> Response {
    match state.openapi_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_event_ids_are_the_knowledge_bases() {
        // A consultancy's knowledge base with one sign more than the default.
        let src = format!(
            "{}\n[[signs]]\nid = \"coo.night_shifts\"\nseat = \"coo\"\nlabel = \"Night shifts run unsupervised\"\nexplain = \"e\"\nwhy = \"w\"\nsource = \"nextseat\"\nweights = {{ coo = 10 }}\nphrases = []\n",
            nextseat_core::kb::DEFAULT_KB
        );
        let kb = KnowledgeBase::parse(&src).expect("valid");
        let default = KnowledgeBase::default_kb();
        assert_eq!(kb.signs.len(), default.signs.len() + 1);
        let doc: Value = serde_json::from_slice(&render(&kb).expect("renders")).expect("JSON");
        let situation = &doc["components"]["schemas"]["Situation"]["properties"];
        let signs: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(situation["signs"]["items"]["enum"], json!(signs));
        assert_eq!(situation["signs"]["maxItems"], kb.signs.len());
        assert_eq!(
            situation["events"]["items"]["enum"]
                .as_array()
                .map(Vec::len),
            Some(kb.events.len())
        );
        assert_eq!(situation["events"]["maxItems"], kb.events.len());
    }
}
