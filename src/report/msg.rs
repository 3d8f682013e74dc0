//! The framing text of reports and summaries, from the catalogue ([`crate::i18n::frame`]).

use std::fmt::Display;

use crate::i18n::{fill_with, Lang};

pub use crate::i18n::frame::Frame as Msg;

/// The text of `m` in `lang`.
pub fn text(m: Msg, lang: Lang) -> &'static str {
    m.text(lang)
}

/// The text of `m` in `lang` with its `{}` filled by `args`, in order.
pub fn fill(m: Msg, lang: Lang, args: &[&dyn Display]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    fill_with(m.text(lang), &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_the_arguments_in_order() {
        assert_eq!(fill(Msg::Year, Lang::Zh, &[&2024]), "2024 年度");
        assert_eq!(
            fill(Msg::MoreInWorkbook, Lang::En, &[&3, &"a.xlsx"]),
            "… 3 more files with fewer findings; all of them are in a.xlsx"
        );
    }
}
