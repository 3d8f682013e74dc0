//! The one message catalogue: every sentence jixiao says, in Chinese and in English, and the
//! typed [`Message`] the stages pass on until the run's language is known.
//!
//! Each area has its own key enum and file (`frame`, `check`, `blame`, `narrative`, `errors`,
//! `notes`, `words`) with one table per language; a `{}` in a text takes the next argument, a
//! `{N}` the N-th (0-based), so a translation may put them in another order. Imports nothing of
//! the crate.

/// An area's keys and their texts, one line a key: `Key => "中文", "English";`.
macro_rules! catalogue {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $key:ident => $zh:expr, $en:expr;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
        pub enum $name { $($(#[$vm])* $key,)* }

        impl $name {
            /// The text in `lang`, placeholders unfilled.
            pub fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                match lang {
                    $crate::i18n::Lang::Zh => match self { $($name::$key => $zh,)* },
                    $crate::i18n::Lang::En => match self { $($name::$key => $en,)* },
                }
            }
        }
    };
}

/// A [`Message`] of `key` with `args`, each anything a message can be made from.
macro_rules! msg {
    ($key:expr $(, $arg:expr)* $(,)?) => {
        $crate::i18n::Message::with($key, vec![$($crate::i18n::Message::from($arg)),*])
    };
}
pub(crate) use msg;

pub mod blame;
pub mod check;
pub mod errors;
pub mod frame;
pub mod narrative;
pub mod notes;
pub mod words;

mod message;

pub use message::{Key, Message};

/// The language of everything jixiao says: reports, notes, summaries, help and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// `text` with its placeholders filled by `args`: `{}` the next one, `{N}` the N-th. A
/// placeholder without an argument is left out.
pub fn fill_with(text: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + args.iter().map(String::len).sum::<usize>());
    let mut next = 0;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                let index = if close == 0 {
                    next += 1;
                    next - 1
                } else {
                    after[..close].parse().unwrap_or(usize::MAX)
                };
                if let Some(a) = args.get(index) {
                    out.push_str(a);
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of `text`, as argument indices in order of appearance.
pub fn placeholders(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut next = 0;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                if close == 0 {
                    out.push(next);
                    next += 1;
                } else if let Ok(n) = after[..close].parse() {
                    out.push(n);
                }
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_takes_arguments_in_order_or_by_index() {
        let args = ["a".to_string(), "b".to_string()];
        assert_eq!(fill_with("{} 与 {}", &args), "a 与 b");
        assert_eq!(fill_with("{1} before {0}", &args), "b before a");
        assert_eq!(fill_with("{x} {", &args), "{x} {");
        assert_eq!(fill_with("{} {} {}", &args), "a b ");
    }

    #[test]
    fn placeholders_are_listed() {
        assert_eq!(placeholders("{} and {}"), vec![0, 1]);
        assert_eq!(placeholders("{1}，{0}"), vec![1, 0]);
        assert!(placeholders("min(a, b)").is_empty());
    }
}
