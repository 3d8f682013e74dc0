//! The summary workbook: its rows match the JSON, one jixiao did not write is left alone, links to the annotated copies.

use super::*;

#[test]
fn folder_gives_one_summary_whose_rows_match_the_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = inbox(tmp.path());
    let r = run(
        &[
            os("check"),
            dir.as_os_str(),
            os("--no-write"),
            os("--summary"),
            os("汇总.xlsx"),
            os("--format"),
            os("json"),
        ],
        &tmp.path().join("logs"),
    );
    let files = json(&r);
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    sorted.sort();
    assert_eq!(
        paths.iter().map(PathBuf::from).collect::<Vec<_>>(),
        sorted,
        "path order"
    );
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            Path::new(p)
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "二级/三级/耒阳分局-旧版.xls",
            "二级/生态环境局-更正.xlsx",
            "二级/耒阳分局.ods",
            "农业农村局.xlsx",
            "损坏.xlsx",
            "耒阳分局.xlsx",
        ],
        "every workbook below the folder, no lock file, no earlier output, in path order"
    );
    assert_eq!(r.code, Some(2), "a broken file makes the exit status 2");
    // With JSON on stdout, the files not checked are named on stderr, one line each, and
    // counted.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 5, "stderr: {}", r.stderr);
    assert!(
        lines[..4].iter().all(|l| l.starts_with("未检查 ")),
        "{}",
        r.stderr
    );
    assert!(lines[3].ends_with("说明.txt：不是工作簿（.xlsx、.xls、.ods、.et、.xlsm）"));
    assert_eq!(lines[4], "另有 4 个文件未检查，原因见上面各行");

    let summary = dir.join("汇总.xlsx");
    let rows = read_summary(&summary);
    assert_eq!(
        rows[0],
        [
            "部门",
            "年度",
            "文件",
            "填报总分",
            "重算总分",
            "等级",
            "错误",
            "舍入",
            "缺失",
            "提示",
            "状态",
            "未能检查的规则"
        ]
    );
    let mut want: Vec<&Value> = files.iter().collect();
    want.sort_by_key(|f| worst_first_key(f)); // stable: input order among equals
    let want: Vec<Vec<String>> = want.into_iter().map(expected_row).collect();
    assert_eq!(&rows[1..], &want[..], "summary rows, worst first");
    assert!(
        rows[1][10].starts_with("无法检查："),
        "the broken file first"
    );

    // A second run does not check the summary it wrote, and replaces it.
    let again = run(
        &[
            os("check"),
            dir.as_os_str(),
            os("--no-write"),
            os("--summary"),
            os("汇总.xlsx"),
            os("--format"),
            os("json"),
        ],
        &tmp.path().join("logs2"),
    );
    assert_eq!(json(&again).len(), files.len(), "汇总.xlsx is not an input");
    assert_eq!(read_summary(&summary), rows);
}

#[test]
fn a_summary_jixiao_did_not_write_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(fixture("seed-leiyang-2024.xlsx"), dir.join("a.xlsx")).unwrap();
    fs::copy(fixture("county-agri-2024-clean.xlsx"), dir.join("b.xlsx")).unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // Someone's own workbook under the summary's name.
    fs::copy(fixture("seed-leiyang-2024.xlsx"), out.join("汇总.xlsx")).unwrap();
    let before = fs::read(out.join("汇总.xlsx")).unwrap();
    let args = |force: bool| {
        let mut a = vec![
            os("check"),
            dir.as_os_str(),
            os("--no-write"),
            os("--summary"),
            os("汇总.xlsx"),
            os("-o"),
            out.as_os_str(),
        ];
        if force {
            a.push(os("--force"));
        }
        a
    };
    let r = run(&args(false), &tmp.path().join("l1"));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--force"), "stderr: {}", r.stderr);
    assert_eq!(fs::read(out.join("汇总.xlsx")).unwrap(), before);

    let r = run(&args(true), &tmp.path().join("l2"));
    assert_eq!(r.code, Some(1), "stderr: {}", r.stderr);
    let rows = read_summary(&out.join("汇总.xlsx"));
    assert_eq!(rows.len(), 3);
    assert!(r
        .stdout
        .contains(&format!("汇总表：{}", out.join("汇总.xlsx").display())));
}

/// Needs the annotated-workbook writer: with `-o`, nested files' copies mirror the folders and
/// the summary links each row to its copy.
#[test]
fn summary_links_annotated_copies_in_mirrored_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    for sub in ["农业局", "教育局"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
        fs::copy(
            fixture("seed-leiyang-2024.xlsx"),
            dir.join(sub).join("自评表.xlsx"),
        )
        .unwrap();
    }
    let out = tmp.path().join("out");
    let r = run(
        &[
            os("check"),
            dir.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--format"),
            os("json"),
        ],
        &tmp.path().join("logs"),
    );
    let files = json(&r);
    if files
        .iter()
        .any(|f| f["error"].as_str().is_some_and(|e| e.contains("尚未实现")))
    {
        eprintln!("skipped: the annotated-workbook writer is still a stub");
        return;
    }
    assert_eq!(r.code, Some(1), "stderr: {}", r.stderr);
    // Path order: 农 (U+519C) before 教 (U+6559); equal findings keep that order in the summary.
    for (f, sub) in files.iter().zip(["农业局", "教育局"]) {
        let output = PathBuf::from(f["output"].as_str().expect("output path"));
        assert_eq!(output, out.join(sub).join("自评表.checked.xlsx"));
        assert!(output.exists());
    }
    let mut wb: Xlsx<_> = open_workbook(out.join("汇总.xlsx")).unwrap();
    let name = wb.sheet_names()[0].clone();
    let formulas = wb.worksheet_formula(&name).unwrap();
    let links: Vec<String> = (1..=2u32)
        .map(|row| formulas.get_value((row, 2)).cloned().unwrap_or_default())
        .collect();
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        links,
        [
            format!(
                "HYPERLINK(\"农业局{sep}自评表.checked.xlsx\",\"{}\")",
                dir.join("农业局/自评表.xlsx").display()
            ),
            format!(
                "HYPERLINK(\"教育局{sep}自评表.checked.xlsx\",\"{}\")",
                dir.join("教育局/自评表.xlsx").display()
            ),
        ]
    );
}
