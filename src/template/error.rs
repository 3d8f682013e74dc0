//! Why a template cannot be loaded, in Chinese, with the line of the fault.

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("模板文件 {file} 无法读取：{message}")]
    Io { file: String, message: String },
    #[error("模板文件 {file} 第 {line} 行有误：{message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("模板文件 {file} 第 {line} 行，检查 {id} 的公式有误：{message}")]
    Rule {
        file: String,
        line: usize,
        id: String,
        message: String,
    },
}

/// The line (from 1) of a byte offset.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// The parser's message in Chinese where it is one of the common ones.
pub(super) fn zh_message(message: &str) -> String {
    let message = message.trim();
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| list_zh(e))
            .unwrap_or_default();
        return format!("未知的键 {}（此处可用：{expected}）", quoted(message));
    }
    if message.starts_with("missing field ") {
        return format!("缺少必填的键 {}", quoted(message));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| list_zh(e))
            .unwrap_or_default();
        return format!("取值 {} 不可用（可用：{expected}）", quoted(message));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("类型不对：{rest}");
    }
    if message.starts_with("invalid length") {
        return format!("元素个数不对：{message}");
    }
    format!("TOML 格式错误：{message}")
}

/// "one of `a`, `b` or `c`" → "a、b、c".
fn list_zh(expected: &str) -> String {
    expected
        .replace('`', "")
        .replace("one of ", "")
        .replace(" or ", "、")
        .replace(", ", "、")
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
