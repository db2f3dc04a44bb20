//! # nextseat-report: one assessment, four renderings
//!
//! Every output a person reads is rendered here from the typed
//! [`Assessment`](nextseat_core::Assessment) and the knowledge base that produced it:
//! plain text for a terminal ([`text`]), Markdown ([`markdown`]), and one self-contained,
//! printable HTML page with an inline SVG chart ([`html`]). JSON is the assessment
//! serialised as it is ([`json`]). Nothing is recomputed here: a number in a report is a
//! number of the assessment.
//!
//! Pure: no I/O. HTML goes through askama templates, which escape every value.
#![forbid(unsafe_code)]

pub mod fit;
pub mod html;
pub mod json;
pub mod labels;
pub mod markdown;
pub mod ownership;
pub mod roles;
pub mod svg;
pub mod text;
pub mod view;

pub use labels::{article, count, engagement_label, role_title, verdict_label};
