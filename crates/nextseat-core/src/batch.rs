//! Batch rows: the contract's flat CSV columns mapped onto a [`Profile`], and the flat
//! result line a batch writes for each row.
//!
//! A batch file is one profile per row. Its columns are the profile's keys without their
//! table names (`employees`, not `company.employees`); lists are separated by `;`. The
//! header is checked once ([`Columns::from_header`]): an unknown or repeated column is an
//! error for the whole file, since every row would be misread. A row is then turned into
//! a profile and validated exactly as a profile file is ([`Profile::validate`]), so a row
//! and a file with the same values get the same verdicts and the same complaints. A bad
//! row is an error for that row only; the caller records it and goes on.

use crate::assessment::Assessment;
use crate::diag::{Diagnostic, Diagnostics, closest};
use crate::ids::{Budget, Growth, Intensity, Market, RoleId};
use crate::kb::KnowledgeBase;
use crate::points::Points;
use crate::profile::{Company, Leadership, Objectives, Profile, Situation};

/// The input columns, in the contract's order. Only `employees` is required.
pub const INPUT_COLUMNS: [&str; 17] = [
    "name",
    "annual_revenue_usd",
    "employees",
    "industry",
    "operational_intensity",
    "market",
    "growth",
    "current_roles",
    "ceo_experience_years",
    "ceo_strengths",
    "ceo_gaps",
    "ceo_plans_to_step_down",
    "retain_key_executive",
    "signs",
    "events",
    "budget",
    "narrative",
];

/// The output columns of a CSV batch result, in the contract's order.
pub const OUTPUT_COLUMNS: [&str; 9] = [
    "row",
    "name",
    "primary",
    "cso",
    "coo",
    "chief_of_staff",
    "implementer",
    "coo_archetype",
    "error",
];

const EMPLOYEES: usize = 2;

/// Where each input column sits in a file's rows. Built once from the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    at: [Option<usize>; INPUT_COLUMNS.len()],
    width: usize,
}

/// The fields of one row, by input column.
type Fields<'r> = [Option<&'r str>; INPUT_COLUMNS.len()];

impl Columns {
    /// Reads a header row. Every problem is reported: unknown columns (with the closest
    /// valid name), repeated columns, and a missing `employees` column.
    pub fn from_header<'h>(
        header: impl IntoIterator<Item = &'h str>,
    ) -> Result<Columns, Diagnostics> {
        let mut at = [None; INPUT_COLUMNS.len()];
        let mut problems = Vec::new();
        let mut width = 0;
        for (i, raw) in header.into_iter().enumerate() {
            width = i + 1;
            let name = raw.trim().trim_start_matches('\u{feff}');
            match INPUT_COLUMNS.iter().position(|c| *c == name) {
                Some(c) if at[c].is_some() => problems.push(Diagnostic::new(
                    format!("header column {}", i + 1),
                    format!("\"{name}\" appears more than once"),
                )),
                Some(c) => at[c] = Some(i),
                None => problems.push(
                    Diagnostic::new(
                        format!("header column {}", i + 1),
                        format!(
                            "unknown column \"{name}\"; the columns are: {}",
                            INPUT_COLUMNS.join(", ")
                        ),
                    )
                    .suggest(closest(name, INPUT_COLUMNS)),
                ),
            }
        }
        if at[EMPLOYEES].is_none() && problems.is_empty() {
            problems.push(Diagnostic::new(
                "header",
                "the required column \"employees\" is missing",
            ));
        }
        Diagnostics::check(problems)?;
        Ok(Columns { at, width })
    }

    /// How many fields the header has (every row must have as many).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The row's `name` field as written, when it is text: a bad row is still named in
    /// the output so that a reader can find it.
    pub fn raw_name<'r>(&self, field: impl Fn(usize) -> Option<&'r [u8]>) -> Option<String> {
        let bytes = self.at[0].and_then(field)?;
        let name = std::str::from_utf8(bytes).ok()?.trim();
        (!name.is_empty()).then(|| name.to_string())
    }

    /// Turns one row into a validated profile. `field(i)` is the row's `i`-th field as
    /// raw bytes. Every problem in the row is reported, keyed by column name.
    pub fn profile<'r>(
        &self,
        len: usize,
        field: impl Fn(usize) -> Option<&'r [u8]>,
        kb: &KnowledgeBase,
    ) -> Result<Profile, Diagnostics> {
        if len != self.width {
            return Err(Diagnostics(vec![Diagnostic::new(
                "",
                format!(
                    "the row has {len} field(s) but the header has {}",
                    self.width
                ),
            )]));
        }
        let mut problems = Vec::new();
        let mut fields: Fields<'r> = [None; INPUT_COLUMNS.len()];
        for (c, slot) in fields.iter_mut().enumerate() {
            let Some(bytes) = self.at[c].and_then(&field) else {
                continue;
            };
            match std::str::from_utf8(bytes) {
                Ok(s) if s.trim().is_empty() => {}
                Ok(s) => *slot = Some(s.trim()),
                Err(e) => problems.push(Diagnostic::new(
                    INPUT_COLUMNS[c],
                    format!(
                        "is not UTF-8 text (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                )),
            }
        }
        let mut p = Parser {
            fields: &fields,
            problems,
        };
        let profile = Profile {
            company: Company {
                name: p.text(0),
                annual_revenue_usd: p.number(1),
                employees: match fields[EMPLOYEES] {
                    Some(_) => p.integer(EMPLOYEES).unwrap_or(1),
                    None => {
                        p.fail(EMPLOYEES, "is required (a whole number of at least 1)");
                        1
                    }
                },
                industry: p.text(3),
                operational_intensity: p.choice(4, Intensity::parse, Intensity::ids),
                market: p.choice(5, Market::parse, Market::ids),
                growth: p.choice(6, Growth::parse, Growth::ids),
            },
            leadership: Leadership {
                current_roles: match fields[7] {
                    Some(_) => p.roles(7),
                    None => Leadership::default().current_roles,
                },
                ceo_experience_years: p.integer(8),
                ceo_strengths: p.list(9),
                ceo_gaps: p.list(10),
                ceo_plans_to_step_down: p.flag(11),
                retain_key_executive: p.flag(12),
            },
            situation: Situation {
                signs: p.list(13),
                events: p.list(14),
                budget: p.choice(15, Budget::parse, Budget::ids),
                narrative: p.text(16),
            },
            objectives: Objectives::default(),
        };
        let mut problems = p.problems;
        // The shape is right only if every field parsed; values the knowledge base
        // decides about are then checked exactly as in a profile file.
        if problems.is_empty() {
            problems.extend(profile.validate(kb).into_iter().map(|(d, _)| Diagnostic {
                key: column_key(&d.key).to_string(),
                ..d
            }));
        }
        Diagnostics::check(problems)?;
        Ok(profile)
    }
}

/// A profile key without its table (`situation.signs[2]` → `signs[2]`), which is how a
/// batch file names its columns.
fn column_key(key: &str) -> &str {
    key.split_once('.').map_or(key, |(_, rest)| rest)
}

struct Parser<'f, 'r> {
    fields: &'f Fields<'r>,
    problems: Vec<Diagnostic>,
}

impl Parser<'_, '_> {
    fn fail(&mut self, c: usize, message: impl Into<String>) {
        self.problems
            .push(Diagnostic::new(INPUT_COLUMNS[c], message));
    }

    fn text(&self, c: usize) -> Option<String> {
        self.fields[c].map(str::to_string)
    }

    fn number(&mut self, c: usize) -> Option<f64> {
        let s = self.fields[c]?;
        match s.parse::<f64>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(c, format!("must be a number (got \"{s}\")"));
                None
            }
        }
    }

    fn integer(&mut self, c: usize) -> Option<i64> {
        let s = self.fields[c]?;
        match s.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(c, format!("must be a whole number (got \"{s}\")"));
                None
            }
        }
    }

    fn flag(&mut self, c: usize) -> bool {
        let Some(s) = self.fields[c] else {
            return false;
        };
        match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            _ => {
                self.fail(c, format!("must be true or false (got \"{s}\")"));
                false
            }
        }
    }

    fn choice<T: Default>(
        &mut self,
        c: usize,
        parse: fn(&str) -> Option<T>,
        ids: fn() -> Vec<&'static str>,
    ) -> T {
        let Some(s) = self.fields[c] else {
            return T::default();
        };
        if let Some(v) = parse(s) {
            return v;
        }
        let valid = ids();
        let d = Diagnostic::new(
            INPUT_COLUMNS[c],
            format!(
                "unknown value \"{s}\"; expected one of {}",
                valid.join(", ")
            ),
        )
        .suggest(closest(s, valid.iter().copied()));
        self.problems.push(d);
        T::default()
    }

    fn list(&self, c: usize) -> Vec<String> {
        self.fields[c]
            .map(|s| {
                s.split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn roles(&mut self, c: usize) -> Vec<RoleId> {
        let mut out = Vec::new();
        for (i, id) in self.list(c).iter().enumerate() {
            match RoleId::parse(id) {
                Some(r) => out.push(r),
                None => {
                    let d = Diagnostic::new(
                        format!("{}[{i}]", INPUT_COLUMNS[c]),
                        format!("unknown role id \"{id}\""),
                    )
                    .suggest(closest(id, RoleId::ids()));
                    self.problems.push(d);
                }
            }
        }
        out
    }
}

/// The problems of a bad row on one line: `key: message (did you mean "x"?)`, joined by
/// `; `, with the column of a JSON line when known.
pub fn row_error(diags: &Diagnostics) -> String {
    diags
        .0
        .iter()
        .map(|d| {
            let mut s = String::new();
            if let Some(p) = d.position {
                s.push_str(&format!("column {}: ", p.column));
            }
            if !d.key.is_empty() {
                s.push_str(&d.key);
                s.push_str(": ");
            }
            s.push_str(&d.message);
            if let Some(h) = &d.suggestion {
                s.push_str(&format!(" (did you mean \"{h}\"?)"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The flat result of one good row: what a CSV batch result holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary<'a> {
    /// The seat to fill now, if any.
    pub primary: Option<RoleId>,
    /// The four need scores, in [`RoleId::SEATS`] order.
    pub scores: [Points; 4],
    /// The best COO archetype, when a COO is recommended.
    pub coo_archetype: Option<&'a str>,
}

impl Summary<'_> {
    /// The flat result of an assessment.
    pub fn of(a: &Assessment) -> Summary<'_> {
        let mut scores = [Points::ZERO; 4];
        for n in &a.needs {
            if let Some(i) = n.role.seat_index() {
                scores[i] = n.score;
            }
        }
        Summary {
            primary: a.primary,
            scores,
            coo_archetype: a.coo_archetype.as_ref().map(|r| r.best.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::default_kb()
    }

    fn row<'a>(fields: &'a [&'a str]) -> (usize, impl Fn(usize) -> Option<&'a [u8]>) {
        (fields.len(), move |i| fields.get(i).map(|s| s.as_bytes()))
    }

    #[test]
    fn a_full_row_reads_like_the_same_profile_file() {
        let kb = kb();
        let cols = Columns::from_header(INPUT_COLUMNS).expect("contract header");
        let values = [
            "Acme Logistics",
            "2500000",
            "35",
            "logistics",
            "high",
            "competitive",
            "rapid",
            "ceo",
            "2",
            "vision;sales",
            "operations; finance",
            "false",
            "no",
            "coo.firefighting;coo.missing_sops;coo.slipping_deliverables;impl.admin_backlog",
            "rapid_expansion",
            "moderate",
            "",
        ];
        let (len, f) = row(&values);
        let from_row = cols.profile(len, f, &kb).expect("valid row");
        let file = include_str!("../../../examples/acme-logistics.toml");
        let mut from_file =
            Profile::parse(file, crate::Format::Toml, &kb).expect("example profile");
        from_file.objectives = Objectives::default();
        assert_eq!(from_row, from_file);
        assert_eq!(
            Summary::of(&assess(&kb, &from_row)),
            Summary::of(&assess(&kb, &from_file))
        );
    }

    #[test]
    fn only_employees_is_required_and_columns_may_come_in_any_order() {
        let kb = kb();
        let cols = Columns::from_header(["signs", "employees"]).expect("header");
        let (len, f) = row(&["coo.firefighting", "12"]);
        let p = cols.profile(len, f, &kb).expect("valid");
        assert_eq!(p.company.employees, 12);
        assert_eq!(p.situation.signs, ["coo.firefighting"]);
        assert_eq!(p.leadership.current_roles, [RoleId::Ceo]);
    }

    #[test]
    fn header_problems_are_all_reported() {
        let e = Columns::from_header(["employes", "name", "name"]).expect_err("bad header");
        assert_eq!(e.0.len(), 2, "{e:?}");
        assert_eq!(e.0[0].suggestion.as_deref(), Some("employees"));
        assert!(e.0[1].message.contains("more than once"));
        let e = Columns::from_header(["name"]).expect_err("no employees");
        assert!(e.0[0].message.contains("employees"));
    }

    #[test]
    fn every_problem_in_a_row_is_named_by_its_column() {
        let kb = kb();
        let cols = Columns::from_header(["employees", "market", "current_roles", "signs"])
            .expect("header");
        let (len, f) = row(&["lots", "hyper", "ceo;coo;cfo", ""]);
        let e = cols.profile(len, f, &kb).expect_err("bad row");
        let text = row_error(&e);
        assert!(
            text.contains("employees: must be a whole number (got \"lots\")"),
            "{text}"
        );
        assert!(text.contains("market: unknown value \"hyper\""), "{text}");
        assert!(
            text.contains("current_roles[2]: unknown role id \"cfo\""),
            "{text}"
        );

        let (len, f) = row(&["0", "", "", "coo.firefihgting"]);
        let e = cols.profile(len, f, &kb).expect_err("bad values");
        let text = row_error(&e);
        assert!(
            text.contains("employees: must be a whole number of at least 1"),
            "{text}"
        );
        assert!(
            text.contains("signs[0]: unknown sign id \"coo.firefihgting\" (did you mean \"coo.firefighting\"?)"),
            "{text}"
        );
    }

    #[test]
    fn short_rows_and_bad_bytes_are_row_errors() {
        let kb = kb();
        let cols = Columns::from_header(["employees", "name"]).expect("header");
        let (len, f) = row(&["12"]);
        let e = cols.profile(len, f, &kb).expect_err("short row");
        assert!(row_error(&e).contains("1 field(s) but the header has 2"));
        let bad: [&[u8]; 2] = [b"12", b"Caf\xe9"];
        let e = cols
            .profile(2, |i| bad.get(i).copied(), &kb)
            .expect_err("latin-1 bytes");
        assert!(row_error(&e).contains("name: is not UTF-8"));
    }
}
