//! Golden scenarios: a profile and what the method must say about it.
//!
//! Scenario files live beside the knowledge base they test (`kb/scenarios/*.toml`). A
//! consultancy that edits its knowledge base runs them (`nextseat kb test`) to see what
//! its change moved. Every expectation is optional; the ones given must all hold.

use crate::assessment::Assessment;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ids::{RoleId, Verdict};
use crate::kb::KnowledgeBase;
use crate::points::Points;
use crate::profile::Profile;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A scenario file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name and description.
    pub scenario: About,
    /// The profile under test.
    pub profile: Profile,
    /// What the assessment must say.
    pub expect: Expect,
}

/// A scenario's name and purpose.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// Short name.
    pub name: String,
    /// What it checks and why the expectation is right.
    #[serde(default)]
    pub description: String,
}

/// Expectations. `"none"` stands for null where a value may be absent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The primary seat, or `none`.
    pub primary: Option<String>,
    /// Verdict per seat.
    #[serde(default)]
    pub verdicts: BTreeMap<RoleId, Verdict>,
    /// Engagement per seat, or `none`.
    #[serde(default)]
    pub engagements: BTreeMap<RoleId, String>,
    /// The roadmap's seats, in order.
    pub roadmap: Option<Vec<RoleId>>,
    /// The roadmap's triggers, in order (`now` or the words).
    pub triggers: Option<Vec<String>>,
    /// The best COO archetype, or `none` when no archetype ranking is expected.
    pub archetype: Option<String>,
    /// Exact scores per seat.
    #[serde(default)]
    pub scores: BTreeMap<RoleId, f64>,
    /// The exact set of evidence factor ids per seat (order ignored).
    #[serde(default)]
    pub evidence: BTreeMap<RoleId, Vec<String>>,
    /// Sign ids that must be among the assessment's signs, as `id` or `id@origin`.
    #[serde(default)]
    pub signs: Vec<String>,
}

impl Scenario {
    /// Parses a scenario and validates its profile against `kb`.
    pub fn parse(src: &str, kb: &KnowledgeBase) -> Result<Scenario, Diagnostics> {
        let s: Scenario = toml::from_str(src).map_err(|e| {
            Diagnostics(vec![
                Diagnostic::new("", crate::diag::humanise(e.message()))
                    .at_span(&crate::diag::LineIndex::new(src), e.span()),
            ])
        })?;
        let mut problems: Vec<Diagnostic> = s
            .profile
            .validate(kb)
            .into_iter()
            .map(|(d, _)| Diagnostic {
                key: format!("profile.{}", d.key),
                ..d
            })
            .collect();
        let listed = problems.len().min(crate::diag::MAX_LISTED);
        crate::locate::Document::new(src, crate::profile::Format::Toml)
            .locate(&mut problems[..listed]);
        Diagnostics::check(problems)?;
        Ok(s)
    }

    /// Every way `a` differs from the expectations (empty when the scenario passes).
    pub fn check(&self, a: &Assessment) -> Vec<String> {
        let e = &self.expect;
        let mut out = Vec::new();
        if let Some(p) = &e.primary {
            let got = a.primary.map_or("none", |r| r.as_str());
            if got != p {
                out.push(format!("primary: expected {p}, got {got}"));
            }
        }
        for (role, v) in &e.verdicts {
            let got = a.need(*role).map(|n| n.verdict);
            if got != Some(*v) {
                out.push(format!("verdict of {role}: expected {v}, got {}", opt(got)));
            }
        }
        for (role, want) in &e.engagements {
            let got = a
                .need(*role)
                .and_then(|n| n.engagement)
                .map_or("none", |x| x.as_str());
            if got != want {
                out.push(format!("engagement of {role}: expected {want}, got {got}"));
            }
        }
        if let Some(r) = &e.roadmap {
            let got: Vec<RoleId> = a.roadmap.iter().map(|s| s.role).collect();
            if &got != r {
                out.push(format!("roadmap: expected {}, got {}", join(r), join(&got)));
            }
        }
        if let Some(t) = &e.triggers {
            let got: Vec<&str> = a.roadmap.iter().map(|s| s.trigger.as_str()).collect();
            if got != t.iter().map(String::as_str).collect::<Vec<_>>() {
                out.push(format!("triggers: expected {t:?}, got {got:?}"));
            }
        }
        if let Some(x) = &e.archetype {
            let got = a.coo_archetype.as_ref().map_or("none", |c| c.best.as_str());
            if got != x {
                out.push(format!("archetype: expected {x}, got {got}"));
            }
        }
        for (role, s) in &e.scores {
            let got = a.need(*role).map(|n| n.score);
            if got != Points::from_f64(*s) {
                out.push(format!("score of {role}: expected {s}, got {}", opt(got)));
            }
        }
        for (role, want) in &e.evidence {
            let mut got: Vec<&str> = a
                .need(*role)
                .map(|n| n.evidence.iter().map(|x| x.factor.as_str()).collect())
                .unwrap_or_default();
            got.sort_unstable();
            let mut want: Vec<&str> = want.iter().map(String::as_str).collect();
            want.sort_unstable();
            if got != want {
                out.push(format!(
                    "evidence of {role}: expected [{}], got [{}]",
                    want.join(", "),
                    got.join(", ")
                ));
            }
        }
        for s in &e.signs {
            let (id, origin) = s
                .split_once('@')
                .map_or((s.as_str(), None), |(i, o)| (i, Some(o)));
            let found = a
                .signs
                .iter()
                .any(|h| h.id == id && origin.is_none_or(|o| h.origin.as_str() == o));
            if !found {
                out.push(format!("sign {s}: expected among the signs, not found"));
            }
        }
        out
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("nothing".to_string(), |x| x.to_string())
}

fn join(r: &[RoleId]) -> String {
    let v: Vec<&str> = r.iter().map(|x| x.as_str()).collect();
    format!("[{}]", v.join(", "))
}
