//! The fixed vocabularies of the contract: roles, verdicts, engagements and the profile's
//! enumerated fields. Sign, event and skill ids are not here: the knowledge base defines
//! them, so a consultancy can add its own.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract id.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Parses a contract id (exact match).
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }

            /// The value's own bit, for sets of values held as masks.
            pub const fn bit(self) -> u32 {
                1 << (self as u32)
            }

            /// The mask of a set of values.
            pub fn mask(values: &[$name]) -> u32 {
                values.iter().fold(0, |m, v| m | v.bit())
            }

            /// Every id as a string, for "closest valid id" suggestions.
            pub fn ids() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A leadership role. `ceo` is context only and never recommended.
    RoleId {
        /// The chief executive (context only).
        Ceo => "ceo",
        /// Chief Strategy Officer.
        Cso => "cso",
        /// Chief Operating Officer.
        Coo => "coo",
        /// Chief of Staff.
        ChiefOfStaff => "chief_of_staff",
        /// A hands-on Implementer (a staff role, not an executive).
        Implementer => "implementer",
    }
}

impl RoleId {
    /// The four seats nextseat can recommend, in the contract's order (also the tie-break
    /// order when two seats score the same).
    pub const SEATS: [RoleId; 4] = [
        RoleId::Cso,
        RoleId::Coo,
        RoleId::ChiefOfStaff,
        RoleId::Implementer,
    ];

    /// The role a person names: its id in any case, with `-` or spaces for `_`, its full
    /// name ("Chief Operating Officer"), or an alias (`cos`, `chief-of-staff`, `chief of
    /// staff` for the Chief of Staff). `strategy` is not an alias.
    pub fn from_name(s: &str) -> Option<RoleId> {
        let key: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let key = key
            .split('_')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        RoleId::parse(&key).or(match key.as_str() {
            "cos" | "chief_of_staff" => Some(RoleId::ChiefOfStaff),
            "chief_executive_officer" | "chief_executive" => Some(RoleId::Ceo),
            "chief_operating_officer" => Some(RoleId::Coo),
            "chief_strategy_officer" => Some(RoleId::Cso),
            _ => None,
        })
    }

    /// Position in [`RoleId::SEATS`]; `None` for the CEO.
    pub fn seat_index(self) -> Option<usize> {
        RoleId::SEATS.iter().position(|r| *r == self)
    }
}

vocabulary! {
    /// What nextseat advises for a seat.
    Verdict {
        /// Fill the seat now.
        HireNow => "hire_now",
        /// Fill it next, when the roadmap's trigger is met.
        PlanNext => "plan_next",
        /// No need yet.
        NotYet => "not_yet",
        /// The seat is already on the team.
        AlreadyFilled => "already_filled",
    }
}

vocabulary! {
    /// How a seat is engaged.
    Engagement {
        /// A part-time executive on a retainer.
        Fractional => "fractional",
        /// A full-time executive hire.
        FullTime => "full_time",
        /// A staff (non-executive) hire: always the Implementer.
        Staff => "staff",
    }
}

vocabulary! {
    /// How operationally intensive the company's industry is.
    Intensity {
        /// Light operations.
        Low => "low",
        /// Ordinary operations (the default).
        Medium => "medium",
        /// Operationally intensive (logistics, manufacturing, airlines…).
        High => "high",
    }
}

vocabulary! {
    /// How contested the company's market is.
    Market {
        /// A stable market.
        Stable => "stable",
        /// An ordinary competitive market (the default).
        Competitive => "competitive",
        /// A hypercompetitive, fast-moving market.
        Hypercompetitive => "hypercompetitive",
    }
}

vocabulary! {
    /// The company's growth trend.
    Growth {
        /// Revenue or headcount is falling.
        Shrinking => "shrinking",
        /// Little change.
        Flat => "flat",
        /// Ordinary growth (the default).
        Steady => "steady",
        /// Fast growth.
        Rapid => "rapid",
    }
}

vocabulary! {
    /// What the company can spend on leadership.
    Budget {
        /// Tight: full-time executives are out of reach.
        Lean => "lean",
        /// Ordinary (the default).
        Moderate => "moderate",
        /// Generous.
        Ample => "ample",
    }
}

vocabulary! {
    /// Where a sign in an assessment came from.
    Origin {
        /// Listed in the profile's `situation.signs`.
        Declared => "declared",
        /// Found in the profile's narrative.
        Narrative => "narrative",
        /// Implied by a declared event.
        Event => "event",
        /// Found by an ownership audit.
        Ownership => "ownership",
    }
}

impl Verdict {
    /// The verdict in plain words: "hire now", "plan next", "not yet", "already filled".
    pub fn words(self) -> &'static str {
        match self {
            Verdict::HireNow => "hire now",
            Verdict::PlanNext => "plan next",
            Verdict::NotYet => "not yet",
            Verdict::AlreadyFilled => "already filled",
        }
    }
}

// The vocabulary macro derives one fixed set of traits; defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for Verdict {
    fn default() -> Self {
        Verdict::NotYet
    }
}
// The vocabulary macro derives one fixed set of traits; defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for Intensity {
    fn default() -> Self {
        Intensity::Medium
    }
}
// The vocabulary macro derives one fixed set of traits; defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for Market {
    fn default() -> Self {
        Market::Competitive
    }
}
// The vocabulary macro derives one fixed set of traits; defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for Growth {
    fn default() -> Self {
        Growth::Steady
    }
}
// The vocabulary macro derives one fixed set of traits; defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for Budget {
    fn default() -> Self {
        Budget::Moderate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_as_people_write_them() {
        for (text, role) in [
            ("COO", RoleId::Coo),
            ("cos", RoleId::ChiefOfStaff),
            ("Chief of Staff", RoleId::ChiefOfStaff),
            ("chief-of-staff", RoleId::ChiefOfStaff),
            (" Chief_Of_Staff ", RoleId::ChiefOfStaff),
            ("Chief Operating Officer", RoleId::Coo),
            ("implementer", RoleId::Implementer),
            ("CEO", RoleId::Ceo),
        ] {
            assert_eq!(RoleId::from_name(text), Some(role), "{text}");
        }
        for text in ["strategy", "cfo", "Maria", "", "chief"] {
            assert_eq!(RoleId::from_name(text), None, "{text}");
        }
    }

    #[test]
    fn ids_round_trip() {
        for r in RoleId::ALL {
            assert_eq!(RoleId::parse(r.as_str()), Some(*r));
        }
        assert_eq!(RoleId::parse("CEO"), None);
        assert_eq!(Verdict::HireNow.to_string(), "hire_now");
    }

    #[test]
    fn serde_uses_contract_ids() {
        let v: Vec<RoleId> =
            serde_json::from_str(r#"["chief_of_staff","implementer"]"#).expect("valid ids");
        assert_eq!(v, vec![RoleId::ChiefOfStaff, RoleId::Implementer]);
        assert!(serde_json::from_str::<RoleId>(r#""cfo""#).is_err());
    }
}
