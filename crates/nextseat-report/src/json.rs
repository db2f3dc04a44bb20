//! The contract's JSON: the assessment serialised as it is, pretty-printed, with a
//! trailing newline. Field order is the struct's, so the same input gives the same bytes.

use serde::Serialize;

/// Pretty JSON of any result, with a trailing newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": \"serialisation failed: {e}\"}}"));
    s.push('\n');
    s
}
