//! Words for ids, shared by every rendering.

use nextseat_core::{Engagement, Verdict};

/// "hire now", "plan next"…
pub fn verdict_label(v: Verdict) -> &'static str {
    v.words()
}

/// A role's full name with its short name in brackets when they differ: "Chief
/// Operating Officer (COO)", but "Implementer".
pub fn role_title(role: &nextseat_core::kb::Role) -> String {
    if role.short_name == role.name {
        role.name.clone()
    } else {
        format!("{} ({})", role.name, role.short_name)
    }
}

/// "a" or "an" before `word`, by its first letter (good enough for role names).
pub fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// A count with its noun in the right number: `count(1, "row", "rows")` is "1 row".
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "fractional", "full time", "staff".
pub fn engagement_label(e: Engagement) -> &'static str {
    match e {
        Engagement::Fractional => "fractional",
        Engagement::FullTime => "full time",
        Engagement::Staff => "staff hire",
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1u64, "row", "rows"), "1 row");
        assert_eq!(count(0u64, "row", "rows"), "0 rows");
        assert_eq!(count(2u32, "problem", "problems"), "2 problems");
    }
}
