//! Blanks: written by the binary, committed copies fresh.

use super::*;

/// `jixiao template --family F --year Y --dept DEPT -o DIR/F-blank.xlsx`.
pub(crate) fn write_blank(family: &str, year: u32, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{family}-blank.xlsx"));
    let year = year.to_string();
    let args: [&OsStr; 9] = [
        "template".as_ref(),
        "--family".as_ref(),
        family.as_ref(),
        "--year".as_ref(),
        year.as_ref(),
        "--dept".as_ref(),
        DEPT.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ];
    let run = jixiao(&args, dir);
    assert_eq!(run.code, Some(0), "jixiao template: {}", run.stderr);
    out
}

#[test]
fn committed_blanks_are_what_jixiao_template_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    for family in FAMILIES {
        let committed = root()
            .join("workbook-templates/blank")
            .join(format!("{family}.xlsx"));
        let fresh = dir.path().join(format!("{family}.xlsx"));
        let args: [&OsStr; 5] = [
            "template".as_ref(),
            "--family".as_ref(),
            family.as_ref(),
            "-o".as_ref(),
            fresh.as_os_str(),
        ];
        let run = jixiao(&args, dir.path());
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let regenerate = format!(
            "regenerate with: cargo run --release -- template --family {family} -o {} --force",
            committed
                .strip_prefix(root())
                .unwrap_or(&committed)
                .display()
        );
        assert!(
            committed.exists(),
            "{} is missing; {regenerate}",
            committed.display()
        );
        if fs::read(&committed).ok() != fs::read(&fresh).ok() {
            let (_, old) = common::read_cells(&committed);
            let (_, new) = common::read_cells(&fresh);
            let keys: std::collections::BTreeSet<_> = old.keys().chain(new.keys()).collect();
            let changed: Vec<String> = keys
                .into_iter()
                .filter(|k| old.get(*k) != new.get(*k))
                .take(8)
                .map(|(s, r, c)| {
                    format!(
                        "{s}!{}: {:?} → {:?}",
                        common::a1(*r, *c),
                        old.get(&(s.clone(), *r, *c)),
                        new.get(&(s.clone(), *r, *c))
                    )
                })
                .collect();
            panic!(
                "{} is stale (cells that differ: {:?}; otherwise styles or layout); {regenerate}",
                committed.display(),
                changed
            );
        }
    }
}

#[test]
fn the_blank_is_deterministic_and_puts_year_and_department_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write_blank("hunan-2024", 2025, dir.path());
    let bytes = fs::read(&a).expect("blank");
    fs::remove_file(&a).expect("remove");
    let b = write_blank("hunan-2024", 2025, dir.path());
    assert_eq!(
        bytes,
        fs::read(&b).expect("blank"),
        "same arguments, same bytes"
    );

    let (names, cells) = common::read_cells(&b);
    assert_eq!(names, ["基础数据表", "绩效自评表"]);
    let text = |sheet: &str, a1: &str| {
        let (r, c) = common::parse_a1(a1);
        cells
            .get(&(sheet.to_string(), r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        text("基础数据表", "A1"),
        format!("{DEPT}2025年部门整体支出绩效评价基础数据表")
    );
    assert_eq!(text("基础数据表", "C2"), "2025年实际在职人数");
    assert_eq!(text("基础数据表", "B4"), "2024年决算数");
    assert_eq!(text("基础数据表", "D4"), "2025年决算数");
    assert_eq!(
        text("绩效自评表", "A1"),
        format!("{DEPT}2025年部门整体支出绩效自评表")
    );
    assert_eq!(text("绩效自评表", "C2"), DEPT);
    assert_eq!(text("绩效自评表", "F4"), "10", "default 分值 of 预算执行率");

    // 一级/二级指标 merged down their groups; formats by kind.
    let merges = common::read_merges(&b);
    let score_merges = &merges["绩效自评表"];
    assert!(score_merges.contains("B13:B25"), "{score_merges:?}");
    assert!(score_merges.contains("C13:C20"), "{score_merges:?}");
    let basic = common::read_formats(&b, "基础数据表");
    assert_eq!(
        basic.get(&(2, 3)).map(String::as_str),
        Some("0.00%"),
        "控制率"
    );
    assert_eq!(
        basic.get(&(4, 3)).map(String::as_str),
        Some("0.00"),
        "三公经费"
    );
    let score = common::read_formats(&b, "绩效自评表");
    assert_eq!(
        score.get(&(3, 6)).map(String::as_str),
        Some("0.00%"),
        "执行率"
    );
    assert_eq!(score.get(&(3, 7)).map(String::as_str), Some("0.00"), "得分");
}
