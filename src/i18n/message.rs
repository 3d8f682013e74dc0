//! A sentence as the stages make it: catalogue keys with their arguments, workbook words as
//! they are, rendered in the run's language at the end ([`Message::localize`]).

use std::fmt;

use super::{blame, check, errors, fill_with, frame, narrative, notes, words, Lang};

/// Any key of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Frame(frame::Frame),
    Check(check::CheckMsg),
    Blame(blame::BlameMsg),
    Narrative(narrative::DocMsg),
    Error(errors::ErrMsg),
    Note(notes::NoteMsg),
    Word(words::Word),
}

impl Key {
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Key::Frame(k) => k.text(lang),
            Key::Check(k) => k.text(lang),
            Key::Blame(k) => k.text(lang),
            Key::Narrative(k) => k.text(lang),
            Key::Error(k) => k.text(lang),
            Key::Note(k) => k.text(lang),
            Key::Word(k) => k.text(lang),
        }
    }

    /// Every key of every area.
    pub fn all() -> Vec<Key> {
        use strum::IntoEnumIterator;
        let mut out: Vec<Key> = frame::Frame::iter().map(Key::from).collect();
        out.extend(check::CheckMsg::iter().map(Key::from));
        out.extend(blame::BlameMsg::iter().map(Key::from));
        out.extend(narrative::DocMsg::iter().map(Key::from));
        out.extend(errors::ErrMsg::iter().map(Key::from));
        out.extend(notes::NoteMsg::iter().map(Key::from));
        out.extend(words::Word::iter().map(Key::from));
        out
    }
}

macro_rules! key_from {
    ($($variant:ident($area:path)),*) => {
        $(impl From<$area> for Key {
            fn from(k: $area) -> Key {
                Key::$variant(k)
            }
        })*
    };
}

key_from!(
    Frame(frame::Frame),
    Check(check::CheckMsg),
    Blame(blame::BlameMsg),
    Narrative(narrative::DocMsg),
    Error(errors::ErrMsg),
    Note(notes::NoteMsg),
    Word(words::Word)
);

/// Text to be said in the run's language: pieces rendered one after another.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message(Vec<Piece>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Said as it is in every language: figures, a workbook's own words, rendered text.
    Raw(String),
    /// A name given in both languages (a template's rule name).
    Both(Box<(String, String)>),
    Key(Key, Vec<Message>),
}

impl Message {
    /// The text of `key`, with no arguments.
    pub fn new(key: impl Into<Key>) -> Message {
        Message(vec![Piece::Key(key.into(), Vec::new())])
    }

    /// The text of `key` with its placeholders filled by `args`.
    pub fn with(key: impl Into<Key>, args: Vec<Message>) -> Message {
        Message(vec![Piece::Key(key.into(), args)])
    }

    /// Words said the same in every language.
    pub fn raw(text: impl Into<String>) -> Message {
        Message(vec![Piece::Raw(text.into())])
    }

    /// A name in Chinese and in English; the Chinese one when `en` is empty.
    pub fn both(zh: impl Into<String>, en: impl Into<String>) -> Message {
        let (zh, en) = (zh.into(), en.into());
        if en.is_empty() {
            return Message::raw(zh);
        }
        Message(vec![Piece::Both(Box::new((zh, en)))])
    }

    /// `items` one after another with `sep` between them.
    pub fn join(items: impl IntoIterator<Item = Message>, sep: impl Into<Key>) -> Message {
        let sep = sep.into();
        let mut out = Message::default();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.0.push(Piece::Key(sep, Vec::new()));
            }
            out.0.extend(item.0);
        }
        out
    }

    /// Appends `more` after what is there.
    pub fn push(&mut self, more: impl Into<Message>) {
        self.0.extend(more.into().0);
    }

    /// This, then `more`.
    pub fn then(mut self, more: impl Into<Message>) -> Message {
        self.push(more);
        self
    }

    /// Whether it says nothing in `lang`.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| match p {
            Piece::Raw(s) => s.trim().is_empty(),
            _ => false,
        })
    }

    /// Whether what it says (in Chinese, or the language it was localized in) contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.to_string().contains(text)
    }

    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.render_into(lang, &mut out);
        out
    }

    fn render_into(&self, lang: Lang, out: &mut String) {
        for piece in &self.0 {
            match piece {
                Piece::Raw(s) => out.push_str(s),
                Piece::Both(names) => out.push_str(match lang {
                    Lang::Zh => &names.0,
                    Lang::En => &names.1,
                }),
                Piece::Key(key, args) if args.is_empty() => out.push_str(key.text(lang)),
                Piece::Key(key, args) => {
                    let args: Vec<String> = args.iter().map(|a| a.render(lang)).collect();
                    out.push_str(&fill_with(key.text(lang), &args));
                }
            }
        }
    }

    /// Renders it in `lang` once and for all: what it says then, in every output, is that.
    pub fn localize(&mut self, lang: Lang) {
        if let [Piece::Raw(_)] = self.0.as_slice() {
            return;
        }
        let text = self.render(lang);
        self.0 = vec![Piece::Raw(text)];
    }
}

/// Chinese, or the language it was localized in.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::raw(s)
    }
}

impl From<&String> for Message {
    fn from(s: &String) -> Message {
        Message::raw(s.clone())
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Message {
        Message::raw(s)
    }
}

impl From<&Message> for Message {
    fn from(m: &Message) -> Message {
        m.clone()
    }
}

macro_rules! from_display {
    ($($t:ty),*) => {
        $(impl From<$t> for Message {
            fn from(v: $t) -> Message {
                Message::raw(v.to_string())
            }
        })*
    };
}

from_display!(usize, u32, u64, i64, rust_decimal::Decimal, char);

macro_rules! from_key {
    ($($area:path),*) => {
        $(impl From<$area> for Message {
            fn from(k: $area) -> Message {
                Message::new(k)
            }
        })*
    };
}

from_key!(
    frame::Frame,
    check::CheckMsg,
    blame::BlameMsg,
    narrative::DocMsg,
    errors::ErrMsg,
    notes::NoteMsg,
    words::Word
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{placeholders, words::Word};

    #[test]
    fn a_message_renders_in_either_language_and_localizes_once() {
        let mut m = crate::i18n::msg!(frame::Frame::Year, 2024u32).then("·");
        assert_eq!(m.render(Lang::Zh), "2024 年度·");
        assert_eq!(m.render(Lang::En), "year 2024·");
        m.localize(Lang::En);
        assert_eq!(m.to_string(), "year 2024·");
        assert_eq!(m.render(Lang::Zh), "year 2024·");
    }

    #[test]
    fn join_puts_the_separator_between() {
        let m = Message::join(["a".into(), "b".into(), "c".into()], Word::ListSep);
        assert_eq!(m.render(Lang::Zh), "a、b、c");
        assert_eq!(m.render(Lang::En), "a, b, c");
        assert!(Message::join(Vec::new(), Word::ListSep).is_empty());
    }

    #[test]
    fn both_names_follow_the_language() {
        let m = Message::both("执行率", "Execution rate");
        assert_eq!(m.render(Lang::En), "Execution rate");
        assert_eq!(Message::both("执行率", "").render(Lang::En), "执行率");
    }

    /// Chinese words an English text may keep: the tables' own names and units.
    const KEPT_IN_ENGLISH: &[&str] = &[
        "万元",
        "元",
        "基础数据表",
        "绩效自评表",
        "自评报告",
        "优",
        "良",
        "中",
        "差",
        "合格",
        "不合格",
        "汇总",
        "校验结果",
        "说明",
    ];

    #[test]
    fn every_key_has_both_texts_with_the_same_placeholders() {
        for key in Key::all() {
            let (zh, en) = (key.text(Lang::Zh), key.text(Lang::En));
            assert!(
                !zh.is_empty() && !en.is_empty(),
                "{key:?} has an empty text"
            );
            let (mut pz, mut pe) = (placeholders(zh), placeholders(en));
            pz.sort_unstable();
            pe.sort_unstable();
            assert_eq!(
                pz, pe,
                "{key:?}: «{zh}» and «{en}» take different arguments"
            );
            let mut rest = en.to_string();
            for kept in KEPT_IN_ENGLISH {
                rest = rest.replace(kept, "");
            }
            assert!(
                !rest.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                "{key:?}: the English text «{en}» is not English"
            );
        }
    }
}
