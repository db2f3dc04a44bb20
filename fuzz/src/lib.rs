//! The bodies of the fuzz targets in `fuzz_targets/`, one function per target.
//!
//! Each takes the fuzzer's bytes, returns early when they are not UTF-8 (every parser
//! here takes a `&str`, as the binary and the server hand it), parses, and runs what
//! the program runs next on anything that parses: the engine must not panic on a value
//! its parser accepted. Errors are rendered too, since every caller prints them.
//!
//! The embedded default knowledge base is built once per process.

use nextseat_core::fit::{self, Candidate};
use nextseat_core::ownership;
use nextseat_core::{Diagnostics, Format, KnowledgeBase, Profile, RoleId, assess};
use std::sync::LazyLock;

/// The default knowledge base, loaded once.
static KB: LazyLock<KnowledgeBase> = LazyLock::new(KnowledgeBase::default_kb);

/// The repository's examples, used as fixed inputs when the knowledge base is fuzzed.
const EXAMPLE_TOML: &str = include_str!("../../examples/acme-logistics.toml");
const EXAMPLE_JSON: &str = include_str!("../../examples/bright-studio.json");
const EXAMPLE_OWNERSHIP: &str = include_str!("../../examples/acme-ownership.csv");
const EXAMPLE_CANDIDATE: &str = include_str!("../../examples/candidate-dana.toml");
const EXAMPLE_NARRATIVE: &str = "Orders go out late every week and I spend my days \
    firefighting. I have big ideas for new markets but no plan, and nobody owns the budget.";

/// Renders every diagnostic, as the binary does before printing them.
fn render(diags: &Diagnostics) {
    for d in &diags.0 {
        std::hint::black_box(d.render("fuzz"));
    }
}

/// `profile_toml` and `profile_json`: [`Profile::parse`], then [`assess`].
pub fn profile(data: &[u8], format: Format) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match Profile::parse(src, format, &KB) {
        Ok(p) => {
            std::hint::black_box(assess(&KB, &p));
        }
        Err(e) => render(&e),
    }
}

/// `kb_load`: [`KnowledgeBase::parse`]; a knowledge base that loads is then used the
/// way every command uses one (the examples assessed, a narrative diagnosed, an
/// ownership audit and a candidate fit), since validation on load is what promises the
/// engine well-formed data.
pub fn kb_load(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let kb = match KnowledgeBase::parse(src) {
        Ok(kb) => kb,
        Err(e) => return render(&e),
    };
    for (text, format) in [(EXAMPLE_TOML, Format::Toml), (EXAMPLE_JSON, Format::Json)] {
        if let Ok(p) = Profile::parse(text, format, &kb) {
            std::hint::black_box(assess(&kb, &p));
        }
    }
    for employees in [1, 12, 60, 400] {
        let mut p = Profile::with_employees(employees);
        p.situation.narrative = Some(EXAMPLE_NARRATIVE.to_owned());
        std::hint::black_box(assess(&kb, &p));
    }
    std::hint::black_box(kb.diagnose(EXAMPLE_NARRATIVE).sign_hits());
    if let Ok(rows) = ownership::parse_csv(EXAMPLE_OWNERSHIP, &kb) {
        std::hint::black_box(ownership::audit(&kb, &rows));
    }
    if let Ok(c) = Candidate::parse(EXAMPLE_CANDIDATE, Format::Toml, &kb) {
        std::hint::black_box(fit::fit(&kb, &c, &RoleId::SEATS));
    }
}

/// `ownership_csv`: [`ownership::parse_csv`], [`ownership::audit`], then an assessment
/// with the audit's signs (as `nextseat assess --ownership` does).
pub fn ownership_csv(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match ownership::parse_csv(src, &KB) {
        Ok(rows) => {
            let audit = ownership::audit(&KB, &rows);
            let extra = audit.sign_hits();
            let p = Profile::with_employees(35);
            std::hint::black_box(nextseat_core::engine::assess_with(&KB, &p, &extra));
        }
        Err(e) => render(&e),
    }
}

/// `candidate`: [`Candidate::parse`] of the same text as TOML and as JSON, then
/// [`fit::fit`] against every seat.
pub fn candidate(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Toml, Format::Json] {
        match Candidate::parse(src, format, &KB) {
            Ok(c) => {
                std::hint::black_box(fit::fit(&KB, &c, &RoleId::SEATS));
            }
            Err(e) => render(&e),
        }
    }
}

/// `batch_csv`: the whole file as the batch command reads a CSV input, header then rows
/// (raw bytes: a row that is not UTF-8 is a row error, not a stop).
pub fn batch_csv(data: &[u8]) {
    batch_rows(&KB, data);
}

/// Everything this crate knows of the batch API, in one place so that it follows that
/// API when it changes: the header read as `nextseat batch` reads it, each row turned
/// into a profile and assessed to its summary, or its problems rendered. (The batch
/// command's own input guard and result writer live in the binary and are held to the
/// csv crate by its property tests.)
fn batch_rows(kb: &KnowledgeBase, data: &[u8]) {
    use nextseat_core::batch::{Columns, Summary};
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
        return;
    }
    let names: Vec<&str> = record
        .iter()
        .map(|f| std::str::from_utf8(f).unwrap_or("\u{fffd}"))
        .collect();
    let columns = match Columns::from_header(names) {
        Ok(c) => c,
        Err(e) => return render(&e),
    };
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let raw: Vec<&[u8]> = record.iter().collect();
        std::hint::black_box(columns.raw_name(&raw));
        let text: Option<Vec<&str>> = raw.iter().map(|f| std::str::from_utf8(f).ok()).collect();
        let Some(fields) = text else {
            render(&columns.not_utf8(&raw));
            continue;
        };
        match columns.profile(&fields, kb) {
            Ok(p) => {
                let a = assess(kb, &p);
                std::hint::black_box(Summary::of(&a));
            }
            Err(e) => render(&e),
        }
    }
}

/// `narrative`: [`KnowledgeBase::diagnose`], then an assessment of a profile holding the
/// text as its narrative when the profile's validation accepts it (as a profile file's
/// would be).
pub fn narrative(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    std::hint::black_box(KB.diagnose(text).sign_hits());
    let mut p = Profile::with_employees(20);
    p.situation.narrative = Some(text.to_owned());
    if p.validate(&KB).is_empty() {
        std::hint::black_box(assess(&KB, &p));
    }
}
