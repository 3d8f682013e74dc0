//! Every workbook in tests/fixtures that has a `W.expected.json` beside it, held against it:
//! each must_flag cell flagged with its severity and expected value (where not null), no
//! must_not_flag cell flagged, no finding at all on the clean ones, total and grade as stated,
//! exit status, and the workbook left unchanged.

mod common;

use std::fs;

use common::*;

#[test]
fn every_fixture_meets_its_expected_json() {
    let mut names: Vec<String> = fs::read_dir(fixtures_dir())
        .expect("tests/fixtures")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".expected.json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 4,
        "only {} .expected.json files in tests/fixtures: {names:?}",
        names.len()
    );

    let mut failures = Vec::new();
    for json in &names {
        let workbook = json.trim_end_matches(".expected.json");
        let path = fixture(workbook);
        assert!(path.exists(), "{json} has no workbook {workbook}");
        let want = Expectations::of_fixture(workbook);
        // a copy, so that a checker that writes where it should not cannot spoil the fixture
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join(workbook);
        fs::copy(&path, &copy).expect("copy fixture");
        let found = problems(&copy, &want);
        if !found.is_empty() {
            failures.push(format!("{workbook}:\n  - {}", found.join("\n  - ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures fail:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

/// A report that says exactly what the seed's `.expected.json` asks for, as the checker would print it.
fn perfect_seed_report() -> (Expectations, serde_json::Value) {
    let want = Expectations::of_fixture("seed-leiyang-2024.xlsx");
    let findings: Vec<serde_json::Value> = want
        .must_flag
        .iter()
        .map(|m| {
            serde_json::json!({"sheet": m.sheet, "cell": m.cell, "severity": m.severity, "check": "S4",
                               "found": "", "expected": m.expected, "message": "…"})
        })
        .collect();
    let report = serde_json::json!({"path": "seed-leiyang-2024.xlsx", "status": "checked", "output": "out.xlsx",
                                    "total_score": "94.00", "grade": "优", "findings": findings});
    (want, report)
}

fn problems_with(want: &Expectations, report: &serde_json::Value) -> Vec<String> {
    compare(
        &serde_json::from_value(report.clone()).expect("report shape"),
        want,
    )
}

/// The comparison used by every test here accepts a right report and names each kind of wrong one.
#[test]
fn comparison_accepts_the_right_report_and_catches_wrong_ones() {
    let (want, right) = perfect_seed_report();
    assert_eq!(problems_with(&want, &right), Vec::<String>::new());

    let mut ratio = right.clone();
    ratio["findings"][0]["expected"] = "0.798".into(); // 79.80% given as a ratio
    ratio["findings"][4]["expected"] = "9.950".into();
    assert_eq!(problems_with(&want, &ratio), Vec::<String>::new());

    type Mutation = Box<dyn Fn(&mut serde_json::Value)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "a finding missing",
            Box::new(|r| drop(r["findings"].as_array_mut().unwrap().remove(5))),
        ),
        (
            "wrong severity",
            Box::new(|r| r["findings"][3]["severity"] = "error".into()),
        ),
        (
            "wrong expected",
            Box::new(|r| r["findings"][4]["expected"] = "9.96".into()),
        ),
        (
            "expected missing",
            Box::new(|r| r["findings"][5]["expected"] = serde_json::Value::Null),
        ),
        (
            "wrong sheet",
            Box::new(|r| r["findings"][0]["sheet"] = "绩效自评表".into()),
        ),
        (
            "must_not_flag flagged",
            Box::new(|r| {
                let mut extra = r["findings"][0].clone();
                extra["cell"] = "B3".into();
                r["findings"].as_array_mut().unwrap().push(extra);
            }),
        ),
        (
            "wrong total",
            Box::new(|r| r["total_score"] = "97.95".into()),
        ),
        ("wrong grade", Box::new(|r| r["grade"] = "良".into())),
    ];
    for (what, mutate) in mutations {
        let mut report = right.clone();
        mutate(&mut report);
        assert!(
            !problems_with(&want, &report).is_empty(),
            "not caught: {what}"
        );
    }

    // a clean fixture takes no finding at all, not even a warning on a cell it does not list
    let clean = Expectations::of_fixture("seed-leiyang-2024-corrected.xlsx");
    let mut report = serde_json::json!({"path": "x.xlsx", "status": "checked", "total_score": "97.95",
                                        "grade": "优", "findings": []});
    assert_eq!(problems_with(&clean, &report), Vec::<String>::new());
    report["findings"] = serde_json::json!([{"sheet": "绩效自评表", "cell": "I24", "severity": "warning",
                                              "check": "S8", "found": "", "expected": null, "message": ""}]);
    assert!(!problems_with(&clean, &report).is_empty());
    assert_eq!(clean.exit_status(), Some(0));
    assert_eq!(want.exit_status(), Some(1));
}
