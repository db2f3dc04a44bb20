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
    pub fn raw_name(&self, record: &csv::ByteRecord) -> Option<String> {
        let bytes = self.at[0].and_then(|i| record.get(i))?;
        let name = std::str::from_utf8(bytes).ok()?.trim();
        (!name.is_empty()).then(|| name.to_string())
    }

    /// Turns one row into a validated profile. Every problem in the row is reported,
    /// keyed by column name.
    pub fn profile(
        &self,
        record: &csv::ByteRecord,
        kb: &KnowledgeBase,
    ) -> Result<Profile, Diagnostics> {
        let mut profile = Profile::with_employees(1);
        match csv::StringRecord::from_byte_record(record.clone()) {
            Ok(text) => self.fill(&mut profile, &text, kb)?,
            Err(_) => return Err(self.not_utf8(record)),
        }
        Ok(profile)
    }

    /// The problem with a row that is not UTF-8 text: which columns hold the bad bytes.
    pub fn not_utf8(&self, record: &csv::ByteRecord) -> Diagnostics {
        let mut problems = Vec::new();
        for (c, name) in INPUT_COLUMNS.iter().enumerate() {
            if let Some(bytes) = self.at[c].and_then(|i| record.get(i))
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

    /// [`Columns::profile`] for a row already checked as UTF-8, into an existing profile,
    /// reusing its strings and lists: a batch keeps one profile per thread and refills it
    /// row after row. Every field is overwritten; after an error the profile's contents
    /// are unspecified.
    pub fn fill(
        &self,
        profile: &mut Profile,
        record: &csv::StringRecord,
        kb: &KnowledgeBase,
    ) -> Result<(), Diagnostics> {
        let len = record.len();
        if len != self.width {
            return Err(Diagnostics(vec![Diagnostic::new(
                "",
                format!(
                    "the row has {len} field(s) but the header has {}",
                    self.width
                ),
            )]));
        }
        let mut fields: Fields<'_> = [None; INPUT_COLUMNS.len()];
        for (c, slot) in fields.iter_mut().enumerate() {
            if let Some(s) = self.at[c].and_then(|i| record.get(i)) {
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
    fields: &'f Fields<'r>,
    problems: Vec<Diagnostic>,
}

impl Parser<'_, '_> {
    fn fail(&mut self, c: usize, message: impl Into<String>) {
        self.problems
            .push(Diagnostic::new(INPUT_COLUMNS[c], message));
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

/// Appends one line of a CSV batch result, in [`OUTPUT_COLUMNS`] order: the row number,
/// the name, the summary's fields (empty for a bad row) and the error. The bytes are
/// those `csv::Writer` writes for the same fields with its defaults (a field is quoted
/// when it holds a comma, a quote or a line break, and its quotes are doubled); a
/// property test holds the two to that. A batch writes a line per row, where the
/// writer's general machinery cost more than the assessment's numbers.
pub fn push_csv_line(
    out: &mut Vec<u8>,
    row: u64,
    name: Option<&str>,
    summary: Option<&Summary<'_>>,
    error: &str,
) {
    crate::points::push_digits(out, row);
    out.push(b',');
    push_csv_field(out, name.unwrap_or(""));
    out.push(b',');
    if let Some(s) = summary {
        out.extend_from_slice(s.primary.map_or("", |r| r.as_str()).as_bytes());
        for p in s.scores {
            out.push(b',');
            p.push_to(out);
        }
        out.push(b',');
        push_csv_field(out, s.coo_archetype.unwrap_or(""));
    } else {
        out.extend_from_slice(b",,,,,");
    }
    out.push(b',');
    push_csv_field(out, error);
    out.push(b'\n');
}

/// One field as `csv::Writer` writes it by default.
fn push_csv_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess;

    proptest::proptest! {
        #[test]
        fn result_lines_are_what_csv_writer_writes(
            row in proptest::num::u64::ANY,
            name in proptest::option::of("([a-z ,\"\r\n;]|\\PC){0,12}"),
            scores in proptest::array::uniform4(-10_000i64..10_000),
            primary in proptest::option::of(0usize..4),
            archetype in proptest::option::of("[a-z_]{1,10}"),
            good in proptest::bool::ANY,
            error in "([a-z ,\"\r\n:]|\\PC){0,20}",
        ) {
            let summary = Summary {
                primary: primary.map(|i| RoleId::SEATS[i]),
                scores: scores.map(Points::from_tenths),
                coo_archetype: archetype.as_deref(),
            };
            let summary = good.then_some(&summary);
            let mut ours = Vec::new();
            push_csv_line(&mut ours, row, name.as_deref(), summary, &error);
            let mut w = csv::Writer::from_writer(Vec::new());
            let text = |p: Points| p.to_string();
            let fields: Vec<String> = match summary {
                Some(s) => vec![
                    row.to_string(),
                    name.clone().unwrap_or_default(),
                    s.primary.map_or("", |r| r.as_str()).to_string(),
                    text(s.scores[0]),
                    text(s.scores[1]),
                    text(s.scores[2]),
                    text(s.scores[3]),
                    s.coo_archetype.unwrap_or("").to_string(),
                    error.clone(),
                ],
                None => {
                    let mut f = vec![row.to_string(), name.clone().unwrap_or_default()];
                    f.extend(std::iter::repeat_n(String::new(), 6));
                    f.push(error.clone());
                    f
                }
            };
            w.write_record(&fields).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let theirs = w.into_inner().map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }
    }

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

    fn row(fields: &[&str]) -> csv::ByteRecord {
        csv::ByteRecord::from(fields.to_vec())
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
        let from_row = cols.profile(&row(&values), &kb).expect("valid row");
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
            .profile(&row(&["coo.firefighting", "12"]), &kb)
            .expect("valid");
        assert_eq!(p.company.employees, 12);
        assert_eq!(p.situation.signs, ["coo.firefighting"]);
        assert_eq!(p.leadership.current_roles, [RoleId::Ceo]);
    }

    #[test]
    fn a_reused_profile_holds_only_the_latest_row() {
        let kb = kb();
        let cols =
            Columns::from_header(["employees", "name", "signs", "current_roles"]).expect("header");
        let mut p = Profile::with_employees(1);
        let text = |fields: &[&str]| csv::StringRecord::from(fields.to_vec());
        let first = text(&[
            "40",
            "First",
            "coo.firefighting;impl.admin_backlog",
            "ceo;coo",
        ]);
        cols.fill(&mut p, &first, &kb).expect("first row");
        cols.fill(&mut p, &text(&["9", "", "cso.new_markets", ""]), &kb)
            .expect("second row");
        let fresh = cols
            .profile(&row(&["9", "", "cso.new_markets", ""]), &kb)
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
            .profile(&row(&["lots", "hyper", "ceo;coo;cfo", ""]), &kb)
            .expect_err("bad row");
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

        let e = cols
            .profile(&row(&["0", "", "", "coo.firefihgting"]), &kb)
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
        let e = cols.profile(&row(&["12"]), &kb).expect_err("short row");
        assert!(row_error(&e).contains("1 field(s) but the header has 2"));
        let bad = csv::ByteRecord::from(vec![&b"12"[..], &b"Caf\xe9"[..]]);
        let e = cols.profile(&bad, &kb).expect_err("latin-1 bytes");
        assert!(row_error(&e).contains("name: is not UTF-8"));
        assert_eq!(cols.raw_name(&bad), None);
    }
}
