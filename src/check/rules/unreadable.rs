//! V1: a cell that should hold a number and cannot be read is reported, never taken as 0
//! (RULES.md §2).

use crate::extract::Figures;
use crate::i18n::check::CheckMsg;
use crate::i18n::msg;
use crate::model::{Finding, RuleId, Severity};

pub fn check_unreadable(figures: &Figures) -> Vec<Finding> {
    figures
        .unreadable_cells
        .iter()
        .map(|u| {
            let message = msg!(CheckMsg::Unreadable, &u.field.label, &u.found, u.why);
            Finding::new(RuleId::V1, Severity::Error, &u.sheet, u.field.pos, message)
                .found(u.found.clone())
        })
        .collect()
}
