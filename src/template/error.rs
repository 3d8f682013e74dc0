//! Why a template cannot be loaded, with the line of the fault.

use serde::Deserialize;

use crate::i18n::errors::ErrMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Message};

#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub enum TemplateError {
    Io {
        file: String,
        message: Message,
    },
    Syntax {
        file: String,
        line: usize,
        message: Message,
    },
    Rule {
        file: String,
        line: usize,
        id: String,
        message: Message,
    },
}

impl TemplateError {
    /// The one line said about it.
    pub fn message(&self) -> Message {
        match self {
            TemplateError::Io { file, message } => msg!(ErrMsg::TemplateIo, file, message),
            TemplateError::Syntax {
                file,
                line,
                message,
            } => msg!(ErrMsg::TemplateSyntax, file, *line, message),
            TemplateError::Rule {
                file,
                line,
                id,
                message,
            } => msg!(ErrMsg::TemplateRule, file, *line, id, message),
        }
    }
}

/// The line (from 1) of a byte offset.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// The TOML parser's message in words of ours where it is one of the common ones.
pub(super) fn parser_message(message: &str) -> Message {
    let message = message.trim();
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    let expected = |rest: &str| {
        rest.split_once("expected ")
            .map(|(_, e)| choices(e))
            .unwrap_or_default()
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return msg!(ErrMsg::UnknownKey, quoted(message), expected(rest));
    }
    if message.starts_with("missing field ") {
        return msg!(ErrMsg::MissingKey, quoted(message));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return msg!(ErrMsg::UnknownValue, quoted(message), expected(rest));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return msg!(ErrMsg::WrongType, rest);
    }
    if message.starts_with("invalid length") {
        return msg!(ErrMsg::WrongLength, message);
    }
    msg!(ErrMsg::TomlSyntax, message)
}

/// "one of `a`, `b` or `c`" → a、b、c (in English a, b, c).
fn choices(expected: &str) -> Message {
    let plain = expected.replace('`', "").replace("one of ", "");
    let items = plain
        .split(", ")
        .flat_map(|part| part.split(" or "))
        .map(Message::from);
    Message::join(items, Word::ListSep)
}

/// Only the parts of a template whose place in the file an error needs.
#[derive(Deserialize)]
pub(super) struct CheckSpans {
    #[serde(default)]
    pub checks: Vec<CheckSpan>,
}

#[derive(Deserialize)]
pub(super) struct CheckSpan {
    pub rule: toml::Spanned<String>,
}
