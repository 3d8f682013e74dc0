//! The reports on stdout: exit status of the worst file, stable text, streamed JSON.

use super::*;

#[test]
fn exit_status_follows_the_worst_file() {
    let tmp = tempfile::tempdir().unwrap();
    let case = |name: &str, files: &[&str], broken: bool| {
        let dir = tmp.path().join(name);
        fs::create_dir_all(dir.join("sub")).unwrap();
        for (i, f) in files.iter().enumerate() {
            fs::copy(fixture(f), dir.join("sub").join(format!("{i}-{f}"))).unwrap();
        }
        if broken {
            fs::write(dir.join("broken.xls"), b"\0\0\0garbage").unwrap();
        }
        let r = run(
            &[os("check"), dir.as_os_str(), os("--no-write")],
            &tmp.path().join(format!("logs-{name}")),
        );
        r.code
    };
    let clean = [
        "county-agri-2024-clean.xlsx",
        "seed-leiyang-2024-corrected.xlsx",
    ];
    assert_eq!(case("clean", &clean, false), Some(0));
    assert_eq!(
        case(
            "findings",
            &["county-agri-2024-clean.xlsx", "seed-leiyang-2024.xlsx"],
            false
        ),
        Some(1)
    );
    assert_eq!(case("broken", &clean, true), Some(2));
}

#[test]
fn text_output_is_stable_has_no_progress_when_not_a_terminal_and_ends_with_the_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("many");
    fs::create_dir_all(&dir).unwrap();
    // More files than the reorder window of two workers, of unequal cost.
    let sources = [
        "seed-leiyang-2024.xlsx",
        "county-agri-2024-clean.xlsx",
        "seed-leiyang-2024.ods",
        "seed-leiyang-2024-formulas.xlsx",
    ];
    for i in 0..60 {
        let src = sources[i % sources.len()];
        let ext = Path::new(src).extension().unwrap().to_str().unwrap();
        fs::copy(fixture(src), dir.join(format!("f{i:03}.{ext}"))).unwrap();
    }
    let text = |jobs: &str, logs: &str| {
        let r = run(
            &[
                os("check"),
                dir.as_os_str(),
                os("--no-write"),
                os("-j"),
                os(jobs),
            ],
            &tmp.path().join(logs),
        );
        assert_eq!(r.code, Some(1));
        assert!(
            r.stderr.is_empty(),
            "nothing on stderr when it is not a terminal: {:?}",
            r.stderr
        );
        r.stdout
    };
    let one = text("1", "j1");
    let three = text("3", "j3");
    assert_eq!(one, three, "same output whatever the number of workers");
    let blocks: Vec<&str> = one
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("many"))
        .collect();
    let expected: Vec<String> = (0..60)
        .map(|i| {
            let ext = Path::new(sources[i % sources.len()])
                .extension()
                .unwrap()
                .to_str()
                .unwrap();
            dir.join(format!("f{i:03}.{ext}")).display().to_string()
        })
        .collect();
    assert_eq!(blocks[..60], expected[..], "reports in path order");
    let table = &one[one
        .find("汇总（问题最多的在前）")
        .expect("terminal summary")..];
    assert!(table.contains("共 60 个文件"), "{table}");
    for line in table.lines().filter(|l| !l.starts_with("汇总表")) {
        let width = jixiao::model::text::text_width(line);
        assert!(width <= 80, "{width} columns: {line}");
    }
    assert!(
        !dir.join("汇总.xlsx").exists(),
        "--no-write writes no summary unless --summary is given"
    );
}

#[test]
fn streamed_json_is_valid_and_in_order_for_many_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("json");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..40 {
        let src = if i % 3 == 0 {
            "county-agri-2024-clean.xlsx"
        } else {
            "seed-leiyang-2024.xlsx"
        };
        fs::copy(fixture(src), dir.join(format!("{i:02}.xlsx"))).unwrap();
    }
    fs::write(dir.join("40.xlsx"), b"").unwrap();
    let r = run(
        &[
            os("check"),
            dir.as_os_str(),
            os("--no-write"),
            os("--format"),
            os("json"),
            os("-j"),
            os("2"),
        ],
        &tmp.path().join("logs"),
    );
    let files = json(&r);
    assert_eq!(files.len(), 41);
    for (i, f) in files.iter().enumerate() {
        assert!(
            f["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("{i:02}.xlsx")),
            "{i}: {}",
            f["path"]
        );
    }
    assert_eq!(files[40]["status"], "failed");
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.is_empty(), "stderr: {}", r.stderr);
}
