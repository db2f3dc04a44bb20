//! Batch rows: the contract's flat CSV columns mapped onto a [`Profile`], and the flat
//! [`Summary`] of a row's result. Reading the file and writing results are the edge's
//! business: a row comes in as its fields ([`Fields`]), whatever parsed them.
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
use crate::profile::{Leadership, Profile};

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

/// One row's fields, in file order, as text.
pub trait Fields {
    /// How many fields the row has.
    fn count(&self) -> usize;
    /// The field at `i`, when the row has one there.
    fn field(&self, i: usize) -> Option<&str>;
}

impl<S: AsRef<str>> Fields for [S] {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i).map(AsRef::as_ref)
    }
}

const EMPLOYEES: usize = 2;

/// Where each input column sits in a file's rows. Built once from the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    at: [Option<usize>; INPUT_COLUMNS.len()],
    width: usize,
}

/// The fields of one row, by input column.
type ByColumn<'r> = [Option<&'r str>; INPUT_COLUMNS.len()];

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

    /// Where the input column `name` is in a row, when the header has it.
    pub fn position(&self, name: &str) -> Option<usize> {
        let c = INPUT_COLUMNS.iter().position(|c| *c == name)?;
        self.at[c]
    }

    /// How many fields the header has (every row must have as many).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The row's `name` field as written, when it is text: a bad row is still named in
    /// the output so that a reader can find it.
    pub fn raw_name(&self, fields: &[&[u8]]) -> Option<String> {
        let bytes = self.at[0].and_then(|i| fields.get(i))?;
        let name = std::str::from_utf8(bytes).ok()?.trim();
        (!name.is_empty()).then(|| name.to_string())
    }

    /// Turns one row into a validated profile. Every problem in the row is reported,
    /// keyed by column name.
    pub fn profile(&self, fields: &[&str], kb: &KnowledgeBase) -> Result<Profile, Diagnostics> {
        let mut profile = Profile::with_employees(1);
        self.fill(&mut profile, fields, kb)?;
        Ok(profile)
    }

    /// The problem with a row that is not UTF-8 text: which columns hold the bad bytes.
    pub fn not_utf8(&self, fields: &[&[u8]]) -> Diagnostics {
        let mut problems = Vec::new();
        for (c, name) in INPUT_COLUMNS.iter().enumerate() {
            if let Some(bytes) = self.at[c].and_then(|i| fields.get(i))
                && let Err(e) = std::str::from_utf8(bytes)
            {
                problems.push(Diagnostic::new(
                    *name,
                    format!(
                        "is not UTF-8 text (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                ));
            }
        }
        if problems.is_empty() {
            problems.push(Diagnostic::new("", "the row is not UTF-8 text"));
        }
        Diagnostics(problems)
    }

    /// [`Columns::profile`] into an existing profile, reusing its strings and lists: a
    /// batch keeps one profile per thread and refills it row after row. Every field is
    /// overwritten; after an error the profile's contents are unspecified.
    pub fn fill<R: Fields + ?Sized>(
        &self,
        profile: &mut Profile,
        record: &R,
        kb: &KnowledgeBase,
    ) -> Result<(), Diagnostics> {
        let len = record.count();
        if len != self.width {
            return Err(Diagnostics(vec![Diagnostic::new(
                "",
                format!(
                    "the row has {len} {} but the header has {}",
                    if len == 1 { "field" } else { "fields" },
                    self.width
                ),
            )]));
        }
        let mut fields: ByColumn<'_> = [None; INPUT_COLUMNS.len()];
        for (c, slot) in fields.iter_mut().enumerate() {
            if let Some(s) = self.at[c].and_then(|i| record.field(i)) {
                let s = trim(s);
                if !s.is_empty() {
                    *slot = Some(s);
                }
            }
        }
        let mut p = Parser {
            fields: &fields,
            problems: Vec::new(),
        };
        let company = &mut profile.company;
        set_text(&mut company.name, fields[0]);
        company.annual_revenue_usd = p.number(1);
        company.employees = match fields[EMPLOYEES] {
            Some(_) => p.integer(EMPLOYEES).unwrap_or(1),
            None => {
                p.fail(EMPLOYEES, "is required (a whole number of at least 1)");
                1
            }
        };
        set_text(&mut company.industry, fields[3]);
        company.operational_intensity = p.choice(4, Intensity::parse, Intensity::ids);
        company.market = p.choice(5, Market::parse, Market::ids);
        company.growth = p.choice(6, Growth::parse, Growth::ids);
        let leadership = &mut profile.leadership;
        match fields[7] {
            Some(_) => p.roles(7, &mut leadership.current_roles),
            None => leadership.current_roles = Leadership::default().current_roles,
        }
        leadership.ceo_experience_years = p.integer(8);
        set_list(&mut leadership.ceo_strengths, fields[9]);
        set_list(&mut leadership.ceo_gaps, fields[10]);
        leadership.ceo_plans_to_step_down = p.flag(11);
        leadership.retain_key_executive = p.flag(12);
        let situation = &mut profile.situation;
        set_list(&mut situation.signs, fields[13]);
        set_list(&mut situation.events, fields[14]);
        situation.budget = p.choice(15, Budget::parse, Budget::ids);
        set_text(&mut situation.narrative, fields[16]);
        profile.objectives.short_term.clear();
        profile.objectives.long_term.clear();
        let mut problems = p.problems;
        // The shape is right only if every field parsed; values the knowledge base
        // decides about are then checked exactly as in a profile file.
        if problems.is_empty() {
            problems.extend(profile.validate(kb).into_iter().map(|(d, _)| Diagnostic {
                key: column_key(&d.key).to_string(),
                ..d
            }));
        }
        Diagnostics::check(problems)
    }
}

/// Sets an optional text, reusing the string already there.
fn set_text(slot: &mut Option<String>, value: Option<&str>) {
    match (slot.as_mut(), value) {
        (Some(s), Some(v)) => {
            s.clear();
            s.push_str(v);
        }
        (None, Some(v)) => *slot = Some(v.to_string()),
        (_, None) => *slot = None,
    }
}

/// `s` without leading and trailing white space, exactly as [`str::trim`] gives it; a
/// field that starts and ends with a visible ASCII character (nearly all) is returned
/// as it is without a look at the rest.
fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    let bytes = s.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// The items of a `;`-separated field, trimmed, empty ones left out.
fn items(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        loop {
            let r = rest?;
            // A plain byte search: these fields are short, and ';' is ASCII, so the
            // pieces start and end on character boundaries.
            let (piece, tail) = match r.bytes().position(|b| b == b';') {
                Some(i) => (&r[..i], Some(&r[i + 1..])),
                None => (r, None),
            };
            rest = tail;
            let t = trim(piece);
            if !t.is_empty() {
                return Some(t);
            }
        }
    })
}

/// Sets a list from a `;`-separated field, reusing the strings already there.
fn set_list(list: &mut Vec<String>, value: Option<&str>) {
    let mut n = 0;
    for item in value.into_iter().flat_map(items) {
        match list.get_mut(n) {
            Some(s) => {
                s.clear();
                s.push_str(item);
            }
            None => list.push(item.to_string()),
        }
        n += 1;
    }
    list.truncate(n);
}

/// A profile key without its table (`situation.signs[2]` → `signs[2]`), which is how a
/// batch file names its columns.
fn column_key(key: &str) -> &str {
    key.split_once('.').map_or(key, |(_, rest)| rest)
}

struct Parser<'f, 'r> {
    fields: &'f ByColumn<'r>,
    problems: Vec<Diagnostic>,
}

impl Parser<'_, '_> {
    fn fail(&mut self, c: usize, message: impl Into<String>) {
        self.problems
            .push(Diagnostic::new(INPUT_COLUMNS[c], message));
    }

    /// An amount of dollars as people type it ([`crate::values::amount`]).
    fn number(&mut self, c: usize) -> Option<f64> {
        let s = self.fields[c]?;
        match crate::values::amount(s) {
            Ok(v) => v,
            Err(what) => {
                self.fail(c, format!("must be {what} (got \"{s}\")"));
                None
            }
        }
    }

    fn integer(&mut self, c: usize) -> Option<i64> {
        let s = self.fields[c]?;
        match crate::values::whole(s) {
            Ok(v) => v,
            Err(what) => {
                self.fail(c, format!("must be {what} (got \"{s}\")"));
                None
            }
        }
    }

    fn flag(&mut self, c: usize) -> bool {
        let Some(s) = self.fields[c] else {
            return false;
        };
        let is = |w: &str| s.eq_ignore_ascii_case(w);
        match () {
            () if is("true") || is("yes") || s == "1" => true,
            () if is("false") || is("no") || s == "0" => false,
            () => {
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

    fn roles(&mut self, c: usize, out: &mut Vec<RoleId>) {
        out.clear();
        let Some(field) = self.fields[c] else {
            return;
        };
        for (i, id) in items(field).enumerate() {
            match RoleId::from_name(id) {
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
    }
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

    proptest::proptest! {
        #[test]
        fn fields_trim_and_split_as_str_does(t in "([ a-z;\t\x0b\u{a0}\u{2003}é]|\\PC){0,30}") {
            proptest::prop_assert_eq!(trim(&t), t.trim());
            let plain: Vec<&str> = t.split(';').map(str::trim).filter(|s| !s.is_empty()).collect();
            proptest::prop_assert_eq!(items(&t).collect::<Vec<_>>(), plain);
        }
    }

    /// The problems on one line, as the tests read them.
    fn row_error(d: &Diagnostics) -> String {
        d.0.iter()
            .map(|d| d.render("row"))
            .collect::<Vec<_>>()
            .join("; ")
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
        let from_row = cols.profile(&values, &kb).expect("valid row");
        let file = include_str!("../../../examples/acme-logistics.toml");
        let mut from_file =
            Profile::parse(file, crate::Format::Toml, &kb).expect("example profile");
        from_file.objectives = crate::profile::Objectives::default();
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
        let p = cols
            .profile(&["coo.firefighting", "12"], &kb)
            .expect("valid");
        assert_eq!(p.company.employees, 12);
        assert_eq!(p.situation.signs, ["coo.firefighting"]);
        assert_eq!(p.leadership.current_roles, [RoleId::Ceo]);
    }

    #[test]
    fn revenue_and_headcount_read_as_people_type_them() {
        let kb = kb();
        let cols = Columns::from_header(["employees", "annual_revenue_usd", "current_roles"])
            .expect("header");
        for (employees, revenue, want) in [
            ("35", "2.5M", 2_500_000.0),
            ("1,200", "$800k", 800_000.0),
            ("35", "$2,500,000", 2_500_000.0),
        ] {
            let p = cols
                .profile(&[employees, revenue, "CEO;COO"], &kb)
                .expect("valid");
            assert_eq!(p.company.annual_revenue_usd, Some(want), "{revenue}");
            assert_eq!(p.leadership.current_roles, [RoleId::Ceo, RoleId::Coo]);
        }
        let e = cols
            .profile(&["35", "lots", ""], &kb)
            .expect_err("not an amount");
        assert!(
            row_error(&e).contains("must be an amount in dollars"),
            "{}",
            row_error(&e)
        );
    }

    #[test]
    fn a_reused_profile_holds_only_the_latest_row() {
        let kb = kb();
        let cols =
            Columns::from_header(["employees", "name", "signs", "current_roles"]).expect("header");
        let mut p = Profile::with_employees(1);
        let first = [
            "40",
            "First",
            "coo.firefighting;impl.admin_backlog",
            "ceo;coo",
        ];
        cols.fill(&mut p, &first[..], &kb).expect("first row");
        cols.fill(&mut p, &["9", "", "cso.new_markets", ""][..], &kb)
            .expect("second row");
        let fresh = cols
            .profile(&["9", "", "cso.new_markets", ""], &kb)
            .expect("same row, fresh");
        assert_eq!(p, fresh);
        assert_eq!(p.company.name, None);
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
        let e = cols
            .profile(&["lots", "hyper", "ceo;coo;cfo", ""], &kb)
            .expect_err("bad row");
        let text = row_error(&e);
        assert!(
            text.contains("employees: must be a whole number (e.g. 35) (got \"lots\")"),
            "{text}"
        );
        assert!(text.contains("market: unknown value \"hyper\""), "{text}");
        assert!(
            text.contains("current_roles[2]: unknown role id \"cfo\""),
            "{text}"
        );

        let e = cols
            .profile(&["0", "", "", "coo.firefihgting"], &kb)
            .expect_err("bad values");
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
        let e = cols.profile(&["12"], &kb).expect_err("short row");
        assert!(row_error(&e).contains("1 field but the header has 2"));
        let bad = [&b"12"[..], &b"Caf\xe9"[..]];
        let e = cols.not_utf8(&bad);
        assert!(row_error(&e).contains("name: is not UTF-8"));
        assert_eq!(cols.raw_name(&bad), None);
        assert_eq!(
            cols.raw_name(&[&b"12"[..], &b" Cafe "[..]]).as_deref(),
            Some("Cafe")
        );
    }
}
