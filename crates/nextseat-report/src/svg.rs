//! The bar chart of the four need scores, as data for the SVG template: geometry is
//! computed here so the template only places rectangles and text.

use nextseat_core::{Assessment, KnowledgeBase, Verdict};

/// One bar of the chart.
#[derive(Clone, Debug)]
pub struct Bar {
    /// Role short name.
    pub label: String,
    /// Score text.
    pub score: String,
    /// Verdict words.
    pub verdict: &'static str,
    /// Bar width in px.
    pub width: u32,
    /// Top y in px.
    pub y: u32,
    /// Fill colour.
    pub colour: &'static str,
}

/// Chart geometry.
pub const CHART_WIDTH: u32 = 640;
/// Left margin for labels.
pub const LABEL_WIDTH: u32 = 110;
/// Width of the plotting area.
pub const PLOT_WIDTH: u32 = 350;
/// Height of one row.
pub const ROW: u32 = 34;

/// The bars, in the assessment's order (highest need first).
pub fn bars(a: &Assessment, kb: &KnowledgeBase) -> Vec<Bar> {
    a.needs
        .iter()
        .enumerate()
        .map(|(i, n)| Bar {
            label: kb.role(n.role).short_name.clone(),
            score: n.score.to_string(),
            verdict: crate::verdict_label(n.verdict),
            width: ((n.score.as_f64() / 100.0) * f64::from(PLOT_WIDTH)).round() as u32,
            y: 10 + i as u32 * ROW,
            colour: match n.verdict {
                Verdict::HireNow => "#b4412f",
                Verdict::PlanNext => "#d89a2b",
                Verdict::NotYet => "#8a94a6",
                Verdict::AlreadyFilled => "#3d7a5a",
            },
        })
        .collect()
}

/// Height of the chart for `n` bars.
pub fn height(n: usize) -> u32 {
    20 + n as u32 * ROW + 20
}
