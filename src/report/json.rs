//! The JSON a program reads: `{"schema": "jixiao.report/1", "files": [...]}`, pretty-printed.

use serde::Serialize;

use super::Renderer;
use crate::model::FileReport;

/// The name and version of the report format, in every JSON report.
pub const REPORT_SCHEMA: &str = "jixiao.report/1";

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    files: &'a [FileReport],
}

/// The whole document at once (what [`Json`]'s parts add up to, but for the final newline).
pub fn to_json(files: &[FileReport]) -> String {
    serde_json::to_string_pretty(&JsonReport {
        schema: REPORT_SCHEMA,
        files,
    })
    .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// `value` as one element of a top-level object's array exactly as `serde_json::to_string_pretty`
/// of the whole document writes it: its own pretty form, every line indented four spaces; an
/// error object naming `path` if it cannot be serialised.
pub fn array_element(value: &impl Serialize, path: &str) -> String {
    let pretty = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"path\":{:?},\"error\":{:?}}}", path, e.to_string()));
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (i, line) in pretty.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

/// The document streamed one element of `files` at a time.
pub struct Json;

impl Renderer for Json {
    /// One element of the `files` array exactly as `serde_json::to_string_pretty` of the whole
    /// `{"files":[…]}` writes it: the element's own pretty form, every line indented four spaces.
    fn file(&self, report: &FileReport) -> String {
        array_element(report, &report.path)
    }

    fn before(&self, index: usize) -> &'static str {
        if index == 0 {
            "{\n  \"schema\": \"jixiao.report/1\",\n  \"files\": [\n"
        } else {
            ",\n"
        }
    }

    fn end(&self, count: usize) -> &'static str {
        if count == 0 {
            "{\n  \"schema\": \"jixiao.report/1\",\n  \"files\": []\n}\n"
        } else {
            "\n  ]\n}\n"
        }
    }
}
