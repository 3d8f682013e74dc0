//! What a field of the tables holds.

use serde::Deserialize;

/// The kind of figure a field holds: how it is shown and compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 万元, two decimals.
    #[default]
    Amount,
    /// A rate shown as a percentage with two decimals.
    Rate,
    /// Points and scores, two decimals.
    Score,
    /// Whole numbers (people, m²).
    Count,
}
