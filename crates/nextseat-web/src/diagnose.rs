//! `POST /api/v1/diagnose`: the signs found in a text (`{"text": "..."}` in, the JSON of
//! `nextseat diagnose --format json` out). The questionnaire calls it as a founder types,
//! to show what it reads before anything counts; nothing is stored.

use crate::AppState;
use crate::api::read_json;
use crate::error::{ApiError, FieldError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use nextseat_core::profile::free_text_problem;
use serde_json::Value;
use std::sync::Arc;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/diagnose", post(diagnose))
}

/// The text to read, or every problem with the request body at once.
pub fn text_of(body: &str) -> Result<String, Vec<FieldError>> {
    let problem = |key: &str, message: String, suggestion: Option<String>| FieldError {
        key: key.to_string(),
        message,
        line: None,
        column: None,
        suggestion,
    };
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(body) else {
        return Err(vec![problem(
            "",
            "must be an object with one key, text: {\"text\": \"...\"}".into(),
            None,
        )]);
    };
    let mut problems = Vec::new();
    let mut text = None;
    for (key, value) in &fields {
        match (key.as_str(), value) {
            ("text", Value::String(t)) => match free_text_problem(t) {
                Some(why) => problems.push(problem("text", why.into(), None)),
                None => text = Some(t.clone()),
            },
            ("text", _) => problems.push(problem("text", "must be a string".into(), None)),
            (other, _) => problems.push(problem(
                other,
                "is not a key of this request; the only key is text".into(),
                Some("text".into()),
            )),
        }
    }
    if !fields.contains_key("text") {
        problems.push(problem("text", "is required".into(), None));
    }
    match text {
        Some(t) if problems.is_empty() => Ok(t),
        _ => Err(problems),
    }
}

/// Read a text for signs; nothing is stored.
#[utoipa::path(post, path = "/api/v1/diagnose", operation_id = "diagnose", tag = "api",
    request_body(content = crate::schema::DiagnoseRequest, content_type = "application/json",
        description = "The text to read"),
    responses(
        (status = 200, description = "The signs found, and the matches not counted with why (the JSON of `nextseat diagnose --format json`)", body = crate::schema::Diagnosis),
        crate::error::ProfileErrors
    ))]
pub async fn diagnose(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let kb = Arc::clone(&state.kb);
    crate::api::json_answer(&state, move || {
        let text = text_of(&read_json(&headers, body)?).map_err(ApiError::InvalidRequest)?;
        Ok(kb.diagnose(&text))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::text_of;

    #[test]
    fn a_text_is_read_from_its_one_key() {
        assert_eq!(text_of(r#"{"text": "we slip"}"#).expect("read"), "we slip");
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let problems = text_of(r#"{"txt": "a", "extra": 1}"#).expect_err("refused");
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["extra", "txt", "text"]);
        assert_eq!(problems[1].suggestion.as_deref(), Some("text"));
    }

    #[test]
    fn wrong_types_long_texts_and_control_characters_are_refused() {
        assert_eq!(
            text_of(r#"{"text": 3}"#).expect_err("refused")[0].message,
            "must be a string"
        );
        assert_eq!(text_of("[1]").expect_err("refused")[0].key, "");
        let long = format!(r#"{{"text": "{}"}}"#, "a".repeat(20_001));
        assert!(
            text_of(&long).expect_err("refused")[0]
                .message
                .contains("20,000")
        );
        assert!(
            text_of(r#"{"text": "a\u0001b"}"#).expect_err("refused")[0]
                .message
                .contains("control")
        );
    }
}
