//! The HTML report: one self-contained page (inline CSS and SVG, no scripts, no external
//! files) that prints cleanly. askama escapes every value in the template. The content
//! is [`crate::view::ReportView`], shared with the PDF.

use crate::svg::{self, Bar};
use crate::view::{self, ReportView};
use askama::Template;
use nextseat_core::{Assessment, KnowledgeBase};

#[derive(Template)]
#[template(path = "report.html")]
struct Report<'a> {
    v: &'a ReportView,
    pdf: Option<&'a str>,
    bars: Vec<Bar>,
    chart_height: u32,
    chart_width: u32,
    label_width: u32,
    plot_width: u32,
}

/// Renders the page; `date` is when the assessment was made, if known, and `pdf` the
/// address of the same report as a PDF, if it has one.
pub fn render(
    a: &Assessment,
    kb: &KnowledgeBase,
    date: Option<String>,
    pdf: Option<&str>,
) -> String {
    render_view(&view::build(a, kb, date), svg::bars(a, kb), pdf)
}

/// Renders a built report with its chart's bars.
pub fn render_view(v: &ReportView, bars: Vec<Bar>, pdf: Option<&str>) -> String {
    let page = Report {
        v,
        pdf,
        chart_height: svg::height(bars.len()),
        bars,
        chart_width: svg::CHART_WIDTH,
        label_width: svg::LABEL_WIDTH,
        plot_width: svg::PLOT_WIDTH,
    };
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><p>report could not be rendered: {e}</p>"))
}
