//! Batch checking: a folder of good, failing, nested and broken workbooks → per-file reports in a
//! stable order, the exit status of the worst file, and one 汇总.xlsx whose rows match the JSON.

#[path = "../common/mod.rs"]
mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use common::{fixture, run_jixiao, Run};

/// A bureau's inbox: clean and faulty workbooks, one nested two levels down, a broken file, an
/// Office lock file and jixiao outputs from an earlier run (the last three must not be checked).
fn inbox(root: &Path) -> PathBuf {
    let dir = root.join("收件");
    let put = |src: &str, dest: &str| {
        let to = dir.join(dest);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(fixture(src), to).unwrap();
    };
    put("seed-leiyang-2024.xlsx", "耒阳分局.xlsx");
    put("county-agri-2024-clean.xlsx", "农业农村局.xlsx");
    put(
        "seed-leiyang-2024-corrected.xlsx",
        "二级/生态环境局-更正.xlsx",
    );
    put("seed-leiyang-2024.xls", "二级/三级/耒阳分局-旧版.xls");
    put("seed-leiyang-2024.ods", "二级/耒阳分局.ods");
    fs::write(dir.join("损坏.xlsx"), b"this is not a workbook").unwrap();
    // Not to be checked: a lock file and copies jixiao wrote (by their mark, not their names).
    put("seed-leiyang-2024.xlsx", "~$耒阳分局.xlsx");
    let scratch = root.join("scratch");
    let copy = |src: &str, corrected: bool, dest: &str| {
        let opts = jixiao::pipeline::Options {
            out_dir: Some(scratch.clone()),
            annotate: true,
            fix: corrected,
            ..Default::default()
        };
        let report = jixiao::pipeline::check_file(&fixture(src), &opts);
        let written = if corrected {
            report.corrected
        } else {
            report.output
        };
        fs::copy(written.expect("a copy written"), dir.join(dest)).unwrap();
    };
    copy("seed-leiyang-2024.xlsx", false, "耒阳分局.checked.xlsx");
    copy(
        "seed-leiyang-2024.xlsx",
        true,
        "二级/生态环境局-更正.corrected.xlsx",
    );
    fs::write(dir.join("说明.txt"), "not a workbook").unwrap();
    dir
}

fn run(args: &[&OsStr], logs: &Path) -> Run {
    run_jixiao(args, logs)
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn json(run: &Run) -> Vec<Value> {
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout));
    let obj = v.as_object().expect("a JSON object");
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["files", "schema"],
        "exactly {{\"schema\":…, \"files\":[…]}}"
    );
    assert_eq!(obj["schema"], "jixiao.report/1");
    obj["files"].as_array().expect("files array").clone()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn read_summary(path: &Path) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

fn count(file: &Value, severity: &str) -> usize {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .count()
}

/// The summary row a file's JSON calls for, as the workbook shows it.
fn expected_row(file: &Value) -> Vec<String> {
    let s = |k: &str| file[k].as_str().unwrap_or("").to_string();
    let num = |k: &str| {
        file[k]
            .as_str()
            .map(|t| t.parse::<f64>().unwrap().to_string())
            .unwrap_or_default()
    };
    let failed = file["status"] == "failed";
    let counts: Vec<String> = ["error", "rounding", "missing", "warning"]
        .iter()
        .map(|sev| {
            if failed {
                String::new()
            } else {
                count(file, sev).to_string()
            }
        })
        .collect();
    let mut row = vec![
        s("department"),
        file["year"]
            .as_u64()
            .map(|y| y.to_string())
            .unwrap_or_default(),
        s("path"),
        num("total_score"),
        num("recalculated_total_score"),
        s("grade"),
    ];
    row.extend(counts);
    row.push(if failed {
        format!("无法检查：{}", s("error"))
    } else {
        "已检查".to_string()
    });
    row.push(if failed {
        String::new()
    } else {
        file["not_checked"]
            .as_array()
            .map_or(0, Vec::len)
            .to_string()
    });
    row
}

fn worst_first_key(file: &Value) -> (bool, std::cmp::Reverse<[usize; 4]>) {
    (
        file["status"] != "failed",
        std::cmp::Reverse(["error", "rounding", "missing", "warning"].map(|s| count(file, s))),
    )
}

mod copies;
mod reports;
mod summary;
