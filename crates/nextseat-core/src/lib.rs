//! # nextseat-core: the method, as data and as an engine
//!
//! nextseat tells a growing company which leadership seat to fill next (Chief Strategy
//! Officer, Chief Operating Officer, Chief of Staff or a hands-on Implementer), how to
//! engage it, in what order, and which kind of COO fits.
//!
//! This crate holds the whole method and nothing else: it never touches the filesystem,
//! the network or a terminal. The edges (the `nextseat` binary, the web server) read
//! files and hand this crate `&str`s.
//!
//! The design decision that shapes everything here is **data over code**: the method
//! lives in a TOML knowledge base ([`kb::KnowledgeBase`]), validated on load with every
//! problem reported at once, and the [`engine`] only interprets it. Scores are additive:
//! a seat's need score is the visible sum of its [`assessment::Evidence`] lines, each of
//! which names the knowledge-base entry that produced it and the article it comes from.
//! Arithmetic is done in tenths of a point ([`points::Points`]) so that the sum a reader
//! adds up by hand is exactly the score printed.
#![forbid(unsafe_code)]

pub mod assessment;
pub mod batch;
pub mod compare;
pub mod condition;
pub mod diag;
pub mod engine;
pub mod fit;
pub mod ids;
pub mod kb;
pub mod locate;
pub mod ownership;
pub mod points;
pub mod profile;
pub mod scenario;
pub mod text;
pub mod values;

pub use assessment::Assessment;
pub use diag::{Diagnostic, Diagnostics, Position};
pub use engine::assess;
pub use ids::{Engagement, RoleId, Verdict};
pub use kb::KnowledgeBase;
pub use points::Points;
pub use profile::{Format, Profile, ProfileField};
