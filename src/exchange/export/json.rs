//! `--format json`: `{"schema": "jixiao.data/1", "workbooks": [...]}`, pretty-printed, streamed
//! one workbook at a time.

use super::Exporter;
use crate::exchange::WorkbookData;

pub struct Json;

impl Exporter for Json {
    /// One element of `workbooks` exactly as `serde_json::to_string_pretty` of the whole
    /// document writes it: its own pretty form, every line indented four spaces.
    fn workbook(&self, data: &WorkbookData, _rank: u32) -> String {
        crate::report::array_element(data, &data.path)
    }

    fn before(&self, index: usize) -> &'static str {
        if index == 0 {
            "{\n  \"schema\": \"jixiao.data/1\",\n  \"workbooks\": [\n"
        } else {
            ",\n"
        }
    }

    fn end(&self, count: usize) -> &'static str {
        if count == 0 {
            "{\n  \"schema\": \"jixiao.data/1\",\n  \"workbooks\": []\n}\n"
        } else {
            "\n  ]\n}\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::{DataFile, FieldData, SCHEMA};

    #[test]
    fn streamed_json_is_the_whole_document_byte_for_byte() {
        let mut one = WorkbookData {
            path: "a \"b\".xlsx".into(),
            status: "checked".into(),
            ..WorkbookData::default()
        };
        one.fields.insert(
            "staff.rate".into(),
            FieldData {
                value: Some("0.798".into()),
                ..FieldData::default()
            },
        );
        let failed = WorkbookData {
            path: "c.xlsx".into(),
            status: "failed".into(),
            error: Some("坏了\n".into()),
            ..WorkbookData::default()
        };
        for workbooks in [vec![], vec![one.clone()], vec![one, failed]] {
            let mut streamed = String::new();
            for (i, w) in workbooks.iter().enumerate() {
                streamed.push_str(Json.before(i));
                streamed.push_str(&Json.workbook(w, 0));
            }
            streamed.push_str(Json.end(workbooks.len()));
            let whole = DataFile {
                schema: SCHEMA.into(),
                workbooks,
            };
            assert_eq!(
                streamed,
                serde_json::to_string_pretty(&whole).unwrap() + "\n"
            );
        }
    }
}
