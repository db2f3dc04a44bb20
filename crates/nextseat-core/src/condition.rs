//! Conditions: the one small language the knowledge base uses to say *when* a context
//! factor, an archetype rule or the layering rule applies.
//!
//! A [`Condition`] is a conjunction: every test it names must hold, and a condition that
//! names nothing always holds. Each test reads one field of the profile (or a band the
//! knowledge base derives from it). The field list is closed and checked on load, so a
//! rule that could not be evaluated is a load error, never a silent non-match.

use crate::ids::{Budget, Growth, Intensity, Market, RoleId};
use serde::{Deserialize, Serialize};

/// An inclusive lower bound and an exclusive upper bound; either may be absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Smallest value that matches.
    pub min: Option<f64>,
    /// First value above the range (exclusive).
    pub below: Option<f64>,
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.below.is_none_or(|b| v < b)
    }
}

/// A conjunction of tests on the profile. See the knowledge-base authoring guide for each
/// field's meaning.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The company's size band id is one of these.
    pub size_band: Option<Vec<String>>,
    /// The company's revenue band id is one of these (`unknown` when revenue is not given).
    pub revenue_band: Option<Vec<String>>,
    /// Headcount range.
    pub employees: Option<Range>,
    /// Revenue range; fails when revenue is unknown.
    pub annual_revenue_usd: Option<Range>,
    /// Whether revenue was given.
    pub revenue_known: Option<bool>,
    /// Operational intensity is one of these.
    pub operational_intensity: Option<Vec<Intensity>>,
    /// Market is one of these.
    pub market: Option<Vec<Market>>,
    /// Growth is one of these.
    pub growth: Option<Vec<Growth>>,
    /// Budget is one of these.
    pub budget: Option<Vec<Budget>>,
    /// The CEO's years of experience lie in this range; fails when not given.
    pub ceo_experience_years: Option<Range>,
    /// The CEO plans to step down (or not).
    pub ceo_plans_to_step_down: Option<bool>,
    /// A key executive must be retained (or not).
    pub retain_key_executive: Option<bool>,
    /// One of the CEO's gap tags contains one of these words (case-insensitive).
    pub ceo_gaps_any: Option<Vec<String>>,
    /// The CEO names at least one gap (any tag).
    pub ceo_has_gaps: Option<bool>,
    /// One of the CEO's strength tags contains one of these words (case-insensitive).
    pub ceo_strengths_any: Option<Vec<String>>,
    /// The industry text contains one of these words (case-insensitive).
    pub industry_any: Option<Vec<String>>,
    /// At least one of these events is declared.
    pub events_any: Option<Vec<String>>,
    /// At least one of these roles is already on the team.
    pub roles_filled_any: Option<Vec<RoleId>>,
    /// None of these roles is on the team.
    pub roles_open_all: Option<Vec<RoleId>>,
}

/// The facts of one profile that conditions read, computed once per assessment.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    /// Size band id.
    pub size_band: &'a str,
    /// Revenue band id, or `unknown`.
    pub revenue_band: &'a str,
    /// Headcount.
    pub employees: u32,
    /// Revenue, when given.
    pub annual_revenue_usd: Option<f64>,
    /// Operational intensity.
    pub operational_intensity: Intensity,
    /// Market.
    pub market: Market,
    /// Growth.
    pub growth: Growth,
    /// Budget.
    pub budget: Budget,
    /// CEO experience, when given.
    pub ceo_experience_years: Option<u32>,
    /// Succession plan.
    pub ceo_plans_to_step_down: bool,
    /// Retention need.
    pub retain_key_executive: bool,
    /// CEO gap tags, lower-cased.
    pub ceo_gaps: &'a [String],
    /// CEO strength tags, lower-cased.
    pub ceo_strengths: &'a [String],
    /// Industry, lower-cased.
    pub industry: &'a str,
    /// Declared event ids.
    pub events: &'a [String],
    /// Roles on the team.
    pub current_roles: &'a [RoleId],
}

/// `words` are lower-cased when the knowledge base is loaded ([`Condition::normalise`]);
/// `tags` are lower-cased by the engine.
fn any_tag_contains(tags: &[String], words: &[String]) -> bool {
    tags.iter().any(|t| words.iter().any(|w| contains(t, w)))
}

/// Whether `needle` occurs in `haystack`. Tags and KB words are a few bytes long, where
/// `str::contains` spends more on setting up its searcher than a plain scan takes.
fn contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty()
        || h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a == b))
}

impl Condition {
    /// Whether every test in the condition holds for `f`.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        fn opt<T>(o: &Option<T>, test: impl FnOnce(&T) -> bool) -> bool {
            o.as_ref().is_none_or(test)
        }
        opt(&self.size_band, |v| v.iter().any(|b| b == f.size_band))
            && opt(&self.revenue_band, |v| {
                v.iter().any(|b| b == f.revenue_band)
            })
            && opt(&self.employees, |r| r.contains(f64::from(f.employees)))
            && opt(&self.annual_revenue_usd, |r| {
                f.annual_revenue_usd.is_some_and(|v| r.contains(v))
            })
            && opt(&self.revenue_known, |k| {
                *k == f.annual_revenue_usd.is_some()
            })
            && opt(&self.operational_intensity, |v| {
                v.contains(&f.operational_intensity)
            })
            && opt(&self.market, |v| v.contains(&f.market))
            && opt(&self.growth, |v| v.contains(&f.growth))
            && opt(&self.budget, |v| v.contains(&f.budget))
            && opt(&self.ceo_experience_years, |r| {
                f.ceo_experience_years
                    .is_some_and(|y| r.contains(f64::from(y)))
            })
            && opt(&self.ceo_plans_to_step_down, |b| {
                *b == f.ceo_plans_to_step_down
            })
            && opt(&self.retain_key_executive, |b| *b == f.retain_key_executive)
            && opt(&self.ceo_gaps_any, |w| any_tag_contains(f.ceo_gaps, w))
            && opt(&self.ceo_has_gaps, |b| *b != f.ceo_gaps.is_empty())
            && opt(&self.ceo_strengths_any, |w| {
                any_tag_contains(f.ceo_strengths, w)
            })
            && opt(&self.industry_any, |w| {
                w.iter().any(|x| contains(f.industry, x))
            })
            && opt(&self.events_any, |v| v.iter().any(|e| f.events.contains(e)))
            && opt(&self.roles_filled_any, |v| {
                v.iter().any(|r| f.current_roles.contains(r))
            })
            && opt(&self.roles_open_all, |v| {
                v.iter().all(|r| !f.current_roles.contains(r))
            })
    }

    /// Lower-cases the words the case-insensitive tests look for, once, so that testing
    /// a profile allocates nothing.
    pub fn normalise(&mut self) {
        for words in [
            &mut self.ceo_gaps_any,
            &mut self.ceo_strengths_any,
            &mut self.industry_any,
        ]
        .into_iter()
        .flatten()
        {
            for w in words.iter_mut() {
                *w = w.to_lowercase();
            }
        }
    }

    /// The band and event ids this condition refers to, for validation on load:
    /// `(size bands, revenue bands, events)`.
    pub fn references(&self) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        fn ids(o: &Option<Vec<String>>) -> Vec<&str> {
            o.iter().flatten().map(String::as_str).collect()
        }
        (
            ids(&self.size_band),
            ids(&self.revenue_band),
            ids(&self.events_any),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(gaps: &'a [String], events: &'a [String]) -> Facts<'a> {
        Facts {
            size_band: "small",
            revenue_band: "fractional_band",
            employees: 40,
            annual_revenue_usd: Some(2_000_000.0),
            operational_intensity: Intensity::High,
            market: Market::Competitive,
            growth: Growth::Rapid,
            budget: Budget::Moderate,
            ceo_experience_years: None,
            ceo_plans_to_step_down: false,
            retain_key_executive: false,
            ceo_gaps: gaps,
            ceo_strengths: &[],
            industry: "regional logistics",
            events,
            current_roles: &[RoleId::Ceo],
        }
    }

    #[test]
    fn empty_condition_always_holds() {
        assert!(Condition::default().holds(&facts(&[], &[])));
    }

    #[test]
    fn every_test_must_hold() {
        let gaps = vec!["operations".to_string()];
        let f = facts(&gaps, &[]);
        let mut c = Condition {
            size_band: Some(vec!["small".into()]),
            ceo_gaps_any: Some(vec!["Operation".into()]),
            industry_any: Some(vec!["logistics".into()]),
            ..Condition::default()
        };
        c.normalise();
        assert!(c.holds(&f));
        let c2 = Condition {
            growth: Some(vec![Growth::Flat]),
            ..c
        };
        assert!(!c2.holds(&f));
    }

    #[test]
    fn unknown_values_fail_their_tests() {
        let f = facts(&[], &[]);
        let c = Condition {
            ceo_experience_years: Some(Range {
                min: None,
                below: Some(3.0),
            }),
            ..Condition::default()
        };
        assert!(!c.holds(&f), "unknown experience is not 'under 3 years'");
    }

    #[test]
    fn short_substring_search_agrees_with_str_contains() {
        for (h, n) in [
            ("operations", "operation"),
            ("ops", "operation"),
            ("strategy", "strateg"),
            ("", "x"),
            ("x", ""),
            ("régional logistics", "logistics"),
            ("aaab", "aab"),
        ] {
            assert_eq!(contains(h, n), h.contains(n), "{h:?} / {n:?}");
        }
    }

    #[test]
    fn ranges_are_half_open() {
        let r = Range {
            min: Some(10.0),
            below: Some(50.0),
        };
        assert!(r.contains(10.0) && r.contains(49.0) && !r.contains(50.0) && !r.contains(9.0));
    }
}
