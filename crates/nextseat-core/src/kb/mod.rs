//! The knowledge base: the whole method as data.
//!
//! The default knowledge base (`kb/default.toml` at the repository root) is compiled into
//! the crate as [`DEFAULT_KB`]; a consultancy may load its own with [`KnowledgeBase::parse`].
//! Loading validates everything the engine relies on and reports every problem at once
//! (see [`validate`]): the engine itself never re-checks and never fails.
//!
//! Every fact carries the file name of the article it comes from, or `nextseat` where the
//! articles are silent and the value is the method's own choice.

mod load;
mod model;
mod validate;

pub use model::*;

use crate::condition::Condition;
use crate::ids::RoleId;
use crate::points::Points;

/// The default knowledge base, embedded in every build.
pub const DEFAULT_KB: &str = include_str!("../../../../kb/default.toml");

/// The source id for values that are the method's own choice, not an article's.
pub const OWN_CHOICE: &str = "nextseat";

/// A validated knowledge base: the [`Model`] it was loaded from, read-only (through
/// `Deref`), and the parts compiled from it: the id index (built on load), the
/// conditions, the narrative matcher and the responsibility classifier (each built on
/// first use, once).
#[derive(Clone, Debug)]
pub struct KnowledgeBase {
    model: Model,
    /// Sign and event ids to their positions.
    index: Index,
    matcher: std::sync::OnceLock<std::sync::Arc<crate::text::narrative::Matcher>>,
    classifier: std::sync::OnceLock<std::sync::Arc<crate::ownership::Classifier>>,
    conditions: std::sync::OnceLock<std::sync::Arc<Conditions>>,
    /// The semantic reader, when the edge has a text model and attached one.
    reader: std::sync::OnceLock<std::sync::Arc<crate::text::semantic::Reader>>,
}

impl std::ops::Deref for KnowledgeBase {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}

/// Every condition of a knowledge base, compiled ([`Condition::compile`]).
#[derive(Debug)]
pub struct Conditions {
    /// By factor index.
    pub factors: Vec<crate::condition::Compiled>,
    /// By archetype index, then rule index.
    pub archetype_rules: Vec<Vec<crate::condition::Compiled>>,
    /// The layering rule's alternatives.
    pub layering: Vec<crate::condition::Compiled>,
    /// By check index.
    pub checks: Vec<crate::condition::Compiled>,
    /// The words of every case-insensitive test above, numbered.
    pub needles: crate::condition::Needles,
    /// The numbering of bands and events the tests above were indexed by.
    pub layout: crate::condition::Layout,
}

/// The revenue band of a profile that does not give its revenue.
pub const UNKNOWN_REVENUE: &str = "unknown";

/// Ids to positions, for lookups on the hot path of an assessment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    signs: rustc_hash::FxHashMap<String, usize>,
    events: rustc_hash::FxHashMap<String, usize>,
    /// By event index: the signs it implies, by index (unknown ids left out; validation
    /// reports them).
    implied: Vec<Vec<usize>>,
}

impl Index {
    /// Indexes the signs and events; the first entry wins for a repeated id (which
    /// validation reports).
    pub(crate) fn new(signs: &[Sign], events: &[Event]) -> Index {
        let mut index = Index::default();
        for (i, s) in signs.iter().enumerate() {
            index.signs.entry(s.id.clone()).or_insert(i);
        }
        for (i, e) in events.iter().enumerate() {
            index.events.entry(e.id.clone()).or_insert(i);
        }
        index.implied = events
            .iter()
            .map(|e| {
                e.implies
                    .iter()
                    .filter_map(|s| index.signs.get(s).copied())
                    .collect()
            })
            .collect();
        index
    }
}

/// The words the interview uses for one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wording<'a> {
    /// The question.
    pub prompt: &'a str,
    /// Help under the question, if any.
    pub help: Option<&'a str>,
}

impl KnowledgeBase {
    /// Compiles a validated model (only the loader calls this, after validation).
    pub(crate) fn new(model: Model) -> KnowledgeBase {
        let index = Index::new(&model.signs, &model.events);
        KnowledgeBase {
            model,
            index,
            matcher: std::sync::OnceLock::new(),
            classifier: std::sync::OnceLock::new(),
            conditions: std::sync::OnceLock::new(),
            reader: std::sync::OnceLock::new(),
        }
    }

    /// Attaches a semantic reader: from now on [`KnowledgeBase::diagnose`] and the
    /// assessment of a narrative read by meaning as well as by phrase, and the ownership
    /// audit classifies lines by their nearest exemplars. A knowledge base takes one
    /// reader, once: false (and nothing changes) if one is already attached.
    pub fn attach_reader(&self, reader: std::sync::Arc<crate::text::semantic::Reader>) -> bool {
        self.reader.set(reader).is_ok()
    }

    /// The attached semantic reader, if any.
    pub fn reader(&self) -> Option<&crate::text::semantic::Reader> {
        self.reader.get().map(|r| &**r)
    }

    /// The plain model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Parses and validates a knowledge base, reporting every problem found.
    pub fn parse(src: &str) -> Result<KnowledgeBase, crate::diag::Diagnostics> {
        load::parse(src)
    }

    /// The embedded default knowledge base.
    ///
    /// # Panics
    /// Never in a released build: the default is validated by the test suite.
    pub fn default_kb() -> KnowledgeBase {
        match KnowledgeBase::parse(DEFAULT_KB) {
            Ok(kb) => kb,
            Err(e) => panic!("the embedded default knowledge base is invalid: {e}"),
        }
    }

    /// The role with this id (always present after validation).
    pub fn role(&self, id: RoleId) -> &Role {
        self.roles
            .iter()
            .find(|r| r.id == id)
            .unwrap_or(&self.roles[0])
    }

    /// The narrative matcher for this knowledge base (compiled once, on first use).
    pub fn matcher(&self) -> &crate::text::narrative::Matcher {
        self.matcher
            .get_or_init(|| std::sync::Arc::new(crate::text::narrative::Matcher::new(self)))
    }

    /// The responsibility classifier for this knowledge base (compiled once).
    pub fn classifier(&self) -> &crate::ownership::Classifier {
        self.classifier
            .get_or_init(|| std::sync::Arc::new(crate::ownership::Classifier::new(self)))
    }

    /// Every condition, compiled (once, on first use).
    pub fn conditions(&self) -> &Conditions {
        self.conditions.get_or_init(|| {
            let mut factors: Vec<_> = self.factors.iter().map(|f| f.when.compile()).collect();
            let mut archetype_rules: Vec<Vec<_>> = self
                .archetypes
                .iter()
                .map(|a| a.rules.iter().map(|r| r.when.compile()).collect())
                .collect();
            let mut layering: Vec<_> = self
                .layering
                .when_any
                .iter()
                .map(Condition::compile)
                .collect();
            let mut checks: Vec<_> = self.checks.iter().map(|c| c.when.compile()).collect();
            let needles = crate::condition::Needles::index(
                factors
                    .iter_mut()
                    .chain(archetype_rules.iter_mut().flatten())
                    .chain(layering.iter_mut())
                    .chain(checks.iter_mut()),
            );
            let layout = crate::condition::Layout::new(
                self.size_bands.iter().map(|b| b.id.as_str()),
                self.revenue_bands.iter().map(|b| b.id.as_str()),
                self.events.iter().map(|e| e.id.as_str()),
            )
            .with_ceo_areas(self.ceo_tags.areas.iter().map(|a| a.id.as_str()));
            layout.index(
                factors
                    .iter_mut()
                    .chain(archetype_rules.iter_mut().flatten())
                    .chain(layering.iter_mut())
                    .chain(checks.iter_mut()),
            );
            std::sync::Arc::new(Conditions {
                factors,
                archetype_rules,
                layering,
                checks,
                needles,
                layout,
            })
        })
    }

    /// Finds the signs in a founder's narrative: by phrase, and by meaning when a reader
    /// is attached ([`crate::text::semantic::Reader::diagnose`]).
    pub fn diagnose(&self, text: &str) -> crate::text::narrative::Diagnosis {
        let lexical = self.matcher().diagnose(self, text);
        match self.reader() {
            Some(r) if !text.trim().is_empty() => r.diagnose(self, text, lexical),
            _ => lexical,
        }
    }

    /// How the interview asks for `field`: this knowledge base's `[[interview]]` entry,
    /// or, when it has none, the field's key as the question and no help.
    pub fn wording(&self, field: crate::ProfileField) -> Wording<'_> {
        let key = field.key();
        match self.interview.iter().find(|q| q.field == key) {
            Some(q) => Wording {
                prompt: &q.prompt,
                help: q.help.as_deref().filter(|h| !h.trim().is_empty()),
            },
            None => Wording {
                prompt: key,
                help: None,
            },
        }
    }

    /// The sign with this id.
    pub fn sign(&self, id: &str) -> Option<&Sign> {
        self.sign_index(id).and_then(|i| self.signs.get(i))
    }

    /// The index of the sign with this id.
    pub fn sign_index(&self, id: &str) -> Option<usize> {
        self.index.signs.get(id).copied()
    }

    /// The index of the event with this id.
    pub fn event_index(&self, id: &str) -> Option<usize> {
        self.index.events.get(id).copied()
    }

    /// The indices of the signs the event at index `event` implies, in its `implies`
    /// order.
    pub fn implied_signs(&self, event: usize) -> &[usize] {
        self.index.implied.get(event).map_or(&[], Vec::as_slice)
    }

    /// The event with this id.
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.event_index(id).and_then(|i| self.events.get(i))
    }

    /// The skill with this id.
    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.id == id)
    }

    /// The archetype with this id.
    pub fn archetype(&self, id: &str) -> Option<&Archetype> {
        self.archetypes.iter().find(|a| a.id == id)
    }

    /// The size band containing `employees` (bands cover every headcount after validation).
    pub fn size_band(&self, employees: u32) -> &SizeBand {
        &self.size_bands[self.size_band_index(employees)]
    }

    /// The position of [`KnowledgeBase::size_band`] among the size bands.
    pub fn size_band_index(&self, employees: u32) -> usize {
        band_of(&self.size_bands, employees, |b| (b.min, b.below))
    }

    /// The revenue band containing `revenue` (bands cover every revenue after validation).
    pub fn revenue_band(&self, revenue: f64) -> &RevenueBand {
        &self.revenue_bands[self.revenue_band_index(revenue)]
    }

    /// The position of [`KnowledgeBase::revenue_band`] among the revenue bands.
    pub fn revenue_band_index(&self, revenue: f64) -> usize {
        band_of(&self.revenue_bands, revenue, |b| (b.min, b.below))
    }

    /// The verdict band containing `score`.
    pub fn verdict_band(&self, score: Points) -> &VerdictBand {
        &self.verdicts[self.verdict_band_index(score)]
    }

    /// The position of [`KnowledgeBase::verdict_band`] among the verdict bands.
    pub fn verdict_band_index(&self, score: Points) -> usize {
        band_of(&self.verdicts, score.as_f64(), |b| (b.min, b.below))
    }
}

/// The position of the first band `[min, below)` that holds `v`, or 0 (validation proves
/// the bands cover every value, and that there is at least one).
fn band_of<B, T: PartialOrd + Copy>(
    bands: &[B],
    v: T,
    range: impl Fn(&B) -> (T, Option<T>),
) -> usize {
    bands
        .iter()
        .position(|b| {
            let (min, below) = range(b);
            v >= min && below.is_none_or(|x| v < x)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_kb_is_valid() {
        if let Err(e) = KnowledgeBase::parse(DEFAULT_KB) {
            let lines: Vec<String> = e.0.iter().map(|d| d.render("default.toml")).collect();
            panic!("default KB invalid:\n{}", lines.join("\n"));
        }
    }

    #[test]
    fn a_bad_span_or_size_assumption_is_reported_at_its_key() {
        let src = DEFAULT_KB
            .replacen(
                "span = { min_employees = 10,",
                "span = { min_employees = 1,",
                1,
            )
            .replacen(
                "from_employees = 250\nengagement = \"full_time\"",
                "from_employees = 250\nengagement = \"staff\"",
                1,
            );
        assert_ne!(src, DEFAULT_KB);
        let err = KnowledgeBase::parse(&src).expect_err("invalid");
        let keys: Vec<&str> = err.0.iter().map(|d| d.key.as_str()).collect();
        assert!(
            keys.iter().any(|k| k.ends_with(".span.min_employees")),
            "{keys:?}"
        );
        assert!(
            keys.contains(&"engagement.unknown_revenue_large.engagement"),
            "{keys:?}"
        );
        assert!(
            err.0.iter().all(|d| d.position.is_some()),
            "each is located"
        );
    }

    #[test]
    fn ceo_areas_and_checks_are_validated_where_they_are() {
        let src = DEFAULT_KB
            .replacen(
                "when = { ceo_gap_areas = [\"finance\"] }",
                "when = { ceo_gap_areas = [\"finanse\"] }",
                1,
            )
            .replacen("min_similarity = 0.4", "min_similarity = 4.0", 1)
            .replacen(
                "id = \"checks.strength_and_gap\"",
                "id = \"checks.revenue_per_person_low\"",
                1,
            );
        assert_ne!(src, DEFAULT_KB);
        let err = KnowledgeBase::parse(&src).expect_err("invalid");
        let find = |suffix: &str| err.0.iter().find(|d| d.key.ends_with(suffix));
        let area = find(".when.ceo_gap_areas").expect("unknown area reported");
        assert_eq!(area.suggestion.as_deref(), Some("finance"));
        assert!(find("ceo_tags.min_similarity").is_some(), "{err:#?}");
        assert!(
            err.0
                .iter()
                .any(|d| d.key.starts_with("checks[") && d.message.contains("duplicate")),
            "{err:#?}"
        );
        assert!(
            err.0.iter().all(|d| d.position.is_some()),
            "each is located"
        );
    }

    #[test]
    fn default_kb_words_every_interview_question() {
        let kb = KnowledgeBase::default_kb();
        for f in crate::ProfileField::ALL {
            let w = kb.wording(f);
            assert_ne!(w.prompt, f.key(), "no [[interview]] entry for {}", f.key());
            assert!(w.help.is_some(), "no help for {}", f.key());
        }
    }

    #[test]
    fn thousands_of_problems_are_listed_up_to_the_cap_and_counted() {
        // Every sign gets an unknown seat: one problem each, many signs.
        let mut src = DEFAULT_KB.to_string();
        for i in 0..2_000 {
            src.push_str(&format!(
                "\n[[signs]]\nid = \"x.s{i}\"\nseat = \"cfo\"\nlabel = \"l\"\nexplain = \"e\"\nwhy = \"w\"\nsource = \"nextseat\"\nweights = {{ cso = 1 }}\nphrases = []\n"
            ));
        }
        let e = KnowledgeBase::parse(&src).expect_err("invalid");
        assert_eq!(e.0.len(), crate::diag::MAX_LISTED + 1);
        assert!(
            e.0[0].position.is_some_and(|p| p.line > 1_000),
            "{:?}",
            e.0[0]
        );
        let last = &e.0[crate::diag::MAX_LISTED].message;
        assert!(
            last.starts_with("and ") && last.ends_with("more problems not listed: fix these first"),
            "{last}"
        );
    }

    fn without_interview() -> &'static str {
        let cut = DEFAULT_KB
            .find("\n[[interview]]")
            .expect("the default has [[interview]]");
        &DEFAULT_KB[..cut]
    }

    #[test]
    fn a_knowledge_base_without_interview_entries_is_valid() {
        let kb = KnowledgeBase::parse(without_interview()).expect("valid without [[interview]]");
        assert!(kb.interview.is_empty());
        let w = kb.wording(crate::ProfileField::Signs);
        assert_eq!(w.prompt, "situation.signs");
    }

    #[test]
    fn bad_interview_entries_are_each_reported_where_they_are() {
        let src = format!(
            "{}{}",
            without_interview(),
            r#"
[[interview]]
field = "company.employes"
prompt = "How many?"
source = "nextseat"

[[interview]]
field = "company.name"
prompt = "Name?"
source = "nextseat"

[[interview]]
field = "company.name"
prompt = "Name again?"
source = "nextseat"

[[interview]]
field = "situation.signs"
prompt = "Which signs?"
source = "nextseet"

[[interview]]
field = "company.market"
prompt = "  "
help = "For the {seat}"
source = "nextseat"
"#
        );
        let e = KnowledgeBase::parse(&src).expect_err("invalid");
        let has = |key: &str, needle: &str| {
            e.0.iter()
                .any(|d| d.key == key && d.message.contains(needle) && d.position.is_some())
        };
        let dump = format!("{e:#?}");
        assert!(has("interview[0].field", "unknown profile field"), "{dump}");
        assert_eq!(
            e.0.iter()
                .find(|d| d.key == "interview[0].field")
                .and_then(|d| d.suggestion.as_deref()),
            Some("company.employees")
        );
        assert!(has("interview[2].field", "a second entry"), "{dump}");
        assert!(has("interview[3].prompt", "{seat}"), "{dump}");
        assert!(has("interview[3].source", "unknown source"), "{dump}");
        assert!(has("interview[4].prompt", "must not be empty"), "{dump}");
        assert!(has("interview[4].help", "{seat}"), "{dump}");
        assert_eq!(e.0.len(), 6, "{dump}");

        let typo = format!(
            "{}\n[[interview]]\nfield = \"company.growth\"\npromt = \"Growth?\"\nsource = \"nextseat\"\n",
            without_interview()
        );
        let e = KnowledgeBase::parse(&typo).expect_err("invalid");
        assert!(
            e.0.iter().any(|d| d.key == "interview[0]"
                && d.message.contains("promt")
                && d.position.is_some()),
            "{e:#?}"
        );
    }

    #[test]
    fn bad_exemplars_are_each_reported_with_the_closest_id() {
        let src = format!(
            "{DEFAULT_KB}{}",
            r#"
[[exemplars]]
sign = "coo.firefihgting"
source = "nextseat"
present = ["We put out fires all day."]

[[exemplars]]
area = "impl.scheduling"
source = "nextseat"
present = ["Book the board dinner", ""]
absent = ["Calendars are fine"]

[[exemplars]]
sign = "coo.firefighting"
area = "impl.scheduling"
source = "nextseat"
present = ["Nobody owns the calendar."]
"#
        );
        let e = KnowledgeBase::parse(&src).expect_err("invalid");
        let text: Vec<String> = e.0.iter().map(|d| d.render("kb.toml")).collect();
        let all = text.join("\n");
        assert!(
            all.contains("unknown sign \"coo.firefihgting\" (did you mean \"coo.firefighting\"?)"),
            "{all}"
        );
        assert!(all.contains("an example must not be empty"), "{all}");
        assert!(all.contains("only a sign has absent examples"), "{all}");
        assert!(all.contains("name exactly one of sign"), "{all}");
        assert!(e.0.iter().all(|d| d.position.is_some()), "{all}");
        // The default's own texts, repeated under another sign, are duplicates.
        let first = KnowledgeBase::default_kb().exemplars[0].present[0].clone();
        let dup = format!(
            "{DEFAULT_KB}\n[[exemplars]]\nsign = \"cso.new_markets\"\nsource = \"nextseat\"\npresent = [{:?}]\n",
            first
        );
        let e = KnowledgeBase::parse(&dup).expect_err("duplicate");
        assert!(e.0[0].message.contains("appears twice"), "{:?}", e.0);
    }

    #[test]
    fn a_field_without_an_interview_entry_is_asked_by_its_key() {
        let kb = KnowledgeBase::parse(without_interview()).expect("valid");
        let w = kb.wording(crate::ProfileField::Employees);
        assert_eq!(w.prompt, "company.employees");
        assert_eq!(w.help, None);
    }
}
