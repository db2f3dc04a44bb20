//! # nextseat-pdf: the report as a PDF
//!
//! The same content as the HTML report ([`nextseat_report::view::ReportView`]), typeset
//! in-process by typst with the fonts embedded in the binary (Libertinus Serif and DejaVu
//! Sans Mono from `typst-assets`), so the text is selectable and nothing is fetched or
//! looked up on the machine. The view goes to the template as one JSON document, which
//! the template reads as data: no value is ever parsed as typst markup.
//!
//! Pure apart from the CPU it takes (about 0.1 s for a report; the engine and its fonts
//! are loaded once per process).
#![forbid(unsafe_code)]

use nextseat_core::{Assessment, KnowledgeBase};
use nextseat_report::view::{self, ReportView};
use std::sync::OnceLock;
use typst::foundations::{Bytes, Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_as_lib::TypstTemplateMainFile;
use typst_layout::PagedDocument;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The report could not be turned into the template's data.
    #[error("the report could not be prepared for the PDF: {0}")]
    Data(String),
    /// typst could not lay the report out.
    #[error("the PDF could not be typeset: {0}")]
    Typeset(String),
    /// The laid-out report could not be written as PDF.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

const TEMPLATE: &str = include_str!("../templates/report.typ");

fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(typst_assets::fonts())
            .build()
    })
}

/// The report of `a` as PDF bytes; `date` is when the assessment was made, if known.
///
/// # Errors
/// [`PdfError`] if the template cannot lay it out (a defect, not a user error).
pub fn render(
    a: &Assessment,
    kb: &KnowledgeBase,
    date: Option<String>,
) -> Result<Vec<u8>, PdfError> {
    render_view(&view::build(a, kb, date))
}

/// A built report as PDF bytes.
///
/// # Errors
/// [`PdfError`] if the template cannot lay it out.
pub fn render_view(v: &ReportView) -> Result<Vec<u8>, PdfError> {
    let json = serde_json::to_vec(v).map_err(|e| PdfError::Data(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Bytes::new(json).into_value());
    let doc: PagedDocument = engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError::Typeset(e.to_string()))?;
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some("nextseat".into())),
        ..Default::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextseat_core::{Format, Profile};

    fn report(profile: &str) -> Vec<u8> {
        let kb = KnowledgeBase::default_kb();
        let p = Profile::parse(profile, Format::Toml, &kb).expect("profile");
        render(
            &nextseat_core::assess(&kb, &p),
            &kb,
            Some("6 December 2026".into()),
        )
        .expect("pdf")
    }

    #[test]
    fn a_report_is_a_pdf() {
        let pdf = report(
            "[company]\nname = \"Acme Logistics\"\nemployees = 35\nannual_revenue_usd = 2500000\n[situation]\nsigns = [\"coo.firefighting\", \"coo.missing_sops\"]\n",
        );
        assert_eq!(&pdf[..5], b"%PDF-");
        assert!(pdf.len() > 5_000, "{} bytes", pdf.len());
    }

    #[test]
    fn typed_markup_is_text_not_typst() {
        // Characters that mean something in typst markup, and a would-be code call.
        let pdf = report(
            "[company]\nname = \"#panic(\\\"x\\\") *bold* $x$ [link] <label> @ref\"\nemployees = 4\n[situation]\nnarrative = \"= heading\\n#set page(width: 1cm)\"\n",
        );
        assert_eq!(&pdf[..5], b"%PDF-");
    }
}
