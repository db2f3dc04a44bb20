//! Candidate fit: a candidate's skill ratings (0–5) against each seat's requirements.
//!
//! A requirement `(skill, level, weight)` is met in proportion to `min(rating, level) /
//! level`: exceeding the level earns nothing extra, so strength in one skill cannot hide
//! a gap in another. The fit score is the weighted share met, 0–100, and it is the exact
//! sum of the per-requirement contributions shown (apportioned in tenths by largest
//! remainder). Article 002's asymmetry is data: a seat's `can_cover` list in the KB says
//! which other seats' work someone who fits it can also do.

use crate::diag::{Diagnostic, Diagnostics, closest};
use crate::ids::RoleId;
use crate::kb::KnowledgeBase;
use crate::points::Points;
use crate::profile::Format;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A candidate: a name and skill ratings 0–5.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// `[candidate]`.
    pub candidate: CandidateInfo,
    /// `[skills] id = rating`.
    #[serde(default)]
    pub skills: BTreeMap<String, i64>,
}

/// The `[candidate]` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateInfo {
    /// The candidate's name.
    pub name: String,
}

impl Candidate {
    /// Parses a candidate file and checks every skill id and rating.
    pub fn parse(src: &str, format: Format, kb: &KnowledgeBase) -> Result<Candidate, Diagnostics> {
        if src.trim().is_empty() {
            return Err(Diagnostics(vec![Diagnostic::new(
                "",
                "the candidate file is empty: it needs [candidate] name and [skills]",
            )]));
        }
        let parsed: Result<Candidate, Diagnostic> = crate::locate::deserialize(src, format);
        let c = parsed.map_err(|d| Diagnostics(vec![d]))?;
        let ids: Vec<&str> = kb.skills.iter().map(|s| s.id.as_str()).collect();
        let mut diags = Vec::new();
        for (id, rating) in &c.skills {
            let key = format!("skills.{id}");
            if kb.skill(id).is_none() {
                diags.push(
                    Diagnostic::new(&key, format!("unknown skill id \"{id}\""))
                        .suggest(closest(id, ids.iter().copied())),
                );
            } else if !(0..=5).contains(rating) {
                diags.push(Diagnostic::new(
                    &key,
                    format!("rating {rating} is outside 0–5"),
                ));
            }
        }
        if c.candidate.name.trim().is_empty() {
            diags.push(Diagnostic::new("candidate.name", "must not be empty"));
        }
        let listed = diags.len().min(crate::diag::MAX_LISTED);
        crate::locate::Document::new(src, format).locate(&mut diags[..listed]);
        Diagnostics::check(diags)?;
        Ok(c)
    }

    fn rating(&self, skill: &str) -> u8 {
        self.skills
            .get(skill)
            .map_or(0, |r| u8::try_from((*r).clamp(0, 5)).unwrap_or(0))
    }
}

/// How one requirement was met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequirementFit {
    /// Skill id.
    pub skill: String,
    /// Required level.
    pub required: u8,
    /// The candidate's rating (0 when not rated).
    pub rating: u8,
    /// Whether the candidate file rates this skill at all.
    pub rated: bool,
    /// The requirement's weight.
    pub weight: f64,
    /// Points this requirement adds to the fit score.
    pub contribution: Points,
}

/// A skill below the required level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Skill id.
    pub skill: String,
    /// Required level.
    pub required: u8,
    /// The candidate's rating.
    pub rating: u8,
}

/// A candidate's fit for one seat.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleFit {
    /// The seat.
    pub role: RoleId,
    /// 0–100: the sum of `requirements[].contribution`.
    pub score: Points,
    /// Whether the score reaches the KB's `fit.fits_min`.
    pub fits: bool,
    /// Skills below the required level, largest shortfall first.
    pub gaps: Vec<Gap>,
    /// Every requirement and its contribution.
    pub requirements: Vec<RequirementFit>,
}

/// The contract's `fit` result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitReport {
    /// Candidate name.
    pub candidate: String,
    /// One entry per seat asked for, best first.
    pub fits: Vec<RoleFit>,
    /// Seats whose work the candidate can also cover, from the seats they fit.
    pub can_also_cover: Vec<RoleId>,
    /// The threshold used for `fits`.
    pub fits_min: f64,
}

/// Splits `total` tenths across shares proportional to `exact` (which sum to `total`
/// within rounding) so that the parts are whole tenths and add up exactly.
fn apportion(exact: &[f64]) -> Vec<i64> {
    let target = exact.iter().sum::<f64>().round() as i64;
    let mut parts: Vec<i64> = exact.iter().map(|x| x.floor() as i64).collect();
    let mut rest = target - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for i in order {
        if rest <= 0 {
            break;
        }
        parts[i] += 1;
        rest -= 1;
    }
    parts
}

/// The candidate's fit for one seat.
pub fn fit_role(kb: &KnowledgeBase, c: &Candidate, role: RoleId) -> RoleFit {
    let reqs = &kb.role(role).requirements;
    let total: f64 = reqs.iter().map(|r| r.weight).sum();
    let exact: Vec<f64> = reqs
        .iter()
        .map(|r| {
            let rating = f64::from(c.rating(&r.skill));
            let met = if r.level == 0 {
                1.0
            } else {
                rating.min(f64::from(r.level)) / f64::from(r.level)
            };
            if total > 0.0 {
                1000.0 * r.weight * met / total
            } else {
                0.0
            }
        })
        .collect();
    let parts = apportion(&exact);
    let requirements: Vec<RequirementFit> = reqs
        .iter()
        .zip(parts)
        .map(|(r, t)| RequirementFit {
            skill: r.skill.clone(),
            required: r.level,
            rating: c.rating(&r.skill),
            rated: c.skills.contains_key(&r.skill),
            weight: r.weight,
            contribution: Points::from_tenths(t),
        })
        .collect();
    let score: Points = requirements.iter().map(|r| r.contribution).sum();
    let mut gaps: Vec<Gap> = requirements
        .iter()
        .filter(|r| r.rating < r.required)
        .map(|r| Gap {
            skill: r.skill.clone(),
            required: r.required,
            rating: r.rating,
        })
        .collect();
    gaps.sort_by_key(|g| std::cmp::Reverse(g.required - g.rating));
    RoleFit {
        role,
        score,
        fits: score.as_f64() >= kb.fit.fits_min,
        gaps,
        requirements,
    }
}

/// The candidate's fit for each of `roles` (best first) and what else they can cover.
pub fn fit(kb: &KnowledgeBase, c: &Candidate, roles: &[RoleId]) -> FitReport {
    let mut fits: Vec<RoleFit> = roles
        .iter()
        .filter(|r| **r != RoleId::Ceo)
        .map(|r| fit_role(kb, c, *r))
        .collect();
    fits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.role.seat_index().cmp(&b.role.seat_index()))
    });
    let mut cover: Vec<RoleId> = fits
        .iter()
        .filter(|f| f.fits)
        .flat_map(|f| kb.role(f.role).can_cover.iter().map(|c| c.role))
        .collect();
    cover.sort_by_key(|r| r.seat_index());
    cover.dedup();
    FitReport {
        candidate: c.candidate.name.clone(),
        fits,
        can_also_cover: cover,
        fits_min: kb.fit.fits_min,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::default_kb()
    }

    fn cand(src: &str) -> Candidate {
        match Candidate::parse(src, Format::Toml, &kb()) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn apportion_sums_exactly() {
        let parts = apportion(&[333.333, 333.333, 333.334]);
        assert_eq!(parts.iter().sum::<i64>(), 1000);
    }

    #[test]
    fn perfect_candidate_scores_100_and_contributions_sum() {
        let kb = kb();
        let mut src = String::from("[candidate]\nname = \"Max\"\n[skills]\n");
        for s in &kb.skills {
            src.push_str(&format!("{} = 5\n", s.id));
        }
        let c = cand(&src);
        for seat in RoleId::SEATS {
            let f = fit_role(&kb, &c, seat);
            assert_eq!(f.score, Points::whole(100), "{seat}");
            assert!(f.gaps.is_empty());
        }
    }

    #[test]
    fn coo_calibre_covers_implementer_but_not_the_reverse() {
        let kb = kb();
        let coo = cand(
            "[candidate]\nname = \"Dana\"\n[skills]\nforesight = 4\npatience = 4\nlogic = 4\ncritical_thinking = 5\nproblem_solving = 4\npeople_skills = 5\nfinancial_acumen = 4\n",
        );
        let r = fit(&kb, &coo, &[RoleId::Coo]);
        assert!(r.fits[0].fits);
        assert_eq!(r.can_also_cover, vec![RoleId::Implementer]);
        let imp = cand(
            "[candidate]\nname = \"Sam\"\n[skills]\nindependence = 5\nefficiency = 5\ndiscipline = 5\nattention_to_detail = 5\npatience = 5\nfocus = 5\ndedication = 5\n",
        );
        let r = fit(&kb, &imp, &RoleId::SEATS);
        let imp_fit = r
            .fits
            .iter()
            .find(|f| f.role == RoleId::Implementer)
            .map(|f| f.fits);
        let coo_fit = r
            .fits
            .iter()
            .find(|f| f.role == RoleId::Coo)
            .map(|f| f.fits);
        assert_eq!(imp_fit, Some(true));
        assert_eq!(coo_fit, Some(false));
        assert!(!r.can_also_cover.contains(&RoleId::Coo));
    }

    #[test]
    fn unknown_skill_and_out_of_range_rating_are_located() {
        let e = Candidate::parse(
            "[candidate]\nname = \"X\"\n[skills]\nforsight = 3\nlogic = 9\n",
            Format::Toml,
            &kb(),
        )
        .expect_err("invalid");
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.0[0].suggestion.as_deref(), Some("foresight"));
        assert_eq!(e.0[1].position.map(|p| p.line), Some(5));
    }
}
