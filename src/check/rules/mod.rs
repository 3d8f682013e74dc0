//! Rules written in Rust rather than in the templates.

pub mod indicators;
