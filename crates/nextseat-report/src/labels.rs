//! Words for ids, shared by every rendering.

use nextseat_core::{Engagement, Verdict};

/// "hire now", "plan next"…
pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::HireNow => "hire now",
        Verdict::PlanNext => "plan next",
        Verdict::NotYet => "not yet",
        Verdict::AlreadyFilled => "already filled",
    }
}

/// "fractional", "full time", "staff".
pub fn engagement_label(e: Engagement) -> &'static str {
    match e {
        Engagement::Fractional => "fractional",
        Engagement::FullTime => "full time",
        Engagement::Staff => "staff hire",
    }
}
