//! Every JSON the tests produce holds to the committed JSON Schemas: the data of `jixiao export`
//! (schemas/jixiao.data-1.schema.json) and the report of `jixiao check --format json`
//! (schemas/jixiao.report-1.schema.json), for the examples and fixtures, and every JSON report
//! among the command-line snapshots.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use jixiao::exchange::export::{self, ExportOptions, Format};
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is valid")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

fn workbooks() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("examples/seed-leiyang-2024.xlsx")];
    for entry in fs::read_dir(common::fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        if matches!(ext.as_deref(), Some("xlsx" | "xls" | "ods")) {
            out.push(path);
        }
    }
    // One that is not a workbook: a failed record and a failed report.
    out.push(PathBuf::from("README.md"));
    out
}

#[test]
fn the_exported_data_holds_to_its_schema() {
    let validator = schema("jixiao.data-1.schema.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("data.json");
    let opts = ExportOptions {
        format: Format::Json,
        out: Some(out.clone()),
        ..ExportOptions::default()
    };
    let done = export::export(&workbooks(), &opts).unwrap();
    assert_eq!(done.failed.len(), 1, "README.md is no workbook");
    let doc: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_valid(&validator, &doc, "export");
    // And the schema refuses what is not the data.
    let mut wrong = doc.clone();
    wrong["schema"] = Value::from("jixiao.data/2");
    assert!(!validator.is_valid(&wrong));
}

#[test]
fn the_check_reports_hold_to_their_schema() {
    let validator = schema("jixiao.report-1.schema.json");
    let reports: Vec<jixiao::FileReport> = workbooks()
        .iter()
        .map(|p| {
            jixiao::check_file(
                p,
                &jixiao::Options {
                    annotate: false,
                    ..jixiao::Options::default()
                },
            )
        })
        .collect();
    let doc: Value = serde_json::from_str(&jixiao::report::to_json(&reports)).unwrap();
    assert_valid(&validator, &doc, "check reports");
    let mut wrong = doc.clone();
    wrong["files"][0]["findings"][0]["severity"] = Value::from("fatal");
    assert!(!validator.is_valid(&wrong));
}

/// The JSON documents on the stdout of the command-line snapshots.
#[test]
fn the_json_of_the_command_line_snapshots_holds_to_the_schemas() {
    let report = schema("jixiao.report-1.schema.json");
    let data = schema("jixiao.data-1.schema.json");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/snapshots");
    let mut seen = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let Some(start) = text.find("\n{\n") else {
            continue;
        };
        let body = &text[start + 1..];
        let end = body.find("\n}\n").map_or(body.len(), |e| e + 2);
        let Ok(doc) = serde_json::from_str::<Value>(&body[..end]) else {
            continue;
        };
        let validator = match doc["schema"].as_str() {
            Some("jixiao.report/1") => &report,
            Some("jixiao.data/1") => &data,
            other => panic!(
                "{}: a JSON document without a known schema: {other:?}",
                path.display()
            ),
        };
        assert_valid(validator, &doc, &path.display().to_string());
        seen += 1;
    }
    assert!(seen >= 2, "the JSON snapshots were found");
}
