//! A workbook of each family, built cell by cell (not from a blank).

use super::*;

/// The seed's two tables, as the fixture has them (or corrected), with label texts replaced and
/// cells overridden.
fn seed_tables(
    clean: bool,
    labels: Relabel,
    basic_cells: &[(&str, V)],
) -> (BTreeMap<String, V>, BTreeMap<String, V>) {
    let relabel = |table: BTreeMap<String, V>| -> BTreeMap<String, V> {
        table
            .into_iter()
            .map(|(cell, v)| {
                let v = match v {
                    V::S(s) => labels
                        .iter()
                        .find(|(from, _)| *from == s)
                        .map(|(_, to)| V::S(to))
                        .unwrap_or(v),
                    other => other,
                };
                (cell, v)
            })
            .collect()
    };
    let mut basic = relabel(BASIC.cells(clean));
    for (cell, v) in basic_cells {
        basic.insert(cell.to_string(), *v);
    }
    (basic, relabel(SCORE.cells(clean)))
}

fn write_tables(path: &Path, basic: &BTreeMap<String, V>, score: &BTreeMap<String, V>) {
    let mut wb = xw::Workbook::new();
    let pct = xw::Format::new().set_num_format("0.00%");
    let two = xw::Format::new().set_num_format("0.00");
    let plain = xw::Format::new();
    for (name, cells, merged) in [
        ("基础数据表", basic, BASIC.merged()),
        ("绩效自评表", score, SCORE.merged()),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("name");
        for range in merged {
            let (a, b) = range.split_once(':').expect("range");
            let ((r1, c1), (r2, c2)) = (common::parse_a1(a), common::parse_a1(b));
            ws.merge_range(r1, c1 as u16, r2, c2 as u16, "", &plain)
                .expect("merge");
        }
        for (cell, v) in cells {
            let (r, c) = common::parse_a1(cell);
            let c = c as u16;
            match *v {
                V::S(s) => ws.write_string(r, c, s),
                V::N(n) | V::Amount(n) => ws.write_number(r, c, n),
                V::Pct(p) => ws.write_number_with_format(r, c, p, &pct),
                V::Score(n) => ws.write_number_with_format(r, c, n, &two),
                V::Blank => continue,
            }
            .expect("write");
        }
    }
    wb.save(path).expect("save");
}

/// Label texts replaced: (2024 text, other text).
type Relabel = &'static [(&'static str, &'static str)];

/// Cells put over the seed's: (address, content).
type Cells = [(&'static str, V)];

/// Labels of the 2018 form in place of the 2024 ones.
const LABELS_2018: &[(&str, &str)] = &[
    ("2023年决算数", "上年决算数"),
    ("2024年预算数", "本年预算数"),
    ("2024年决算数", "本年决算数"),
    ("1、业务经费", "1、业务工作专项"),
    ("2、运行维护经费", "2、运行维护专项"),
    (
        "3、本级专项资金（一个专项一行）",
        "3、省级专项资金（一个专项一行）",
    ),
    ("部门基本支出预算调整", "部门整体支出预算调整"),
    ("纳入专户管理的非税收入拨款：", "财政专户管理资金："),
];

/// The six-column 楼堂馆所 block, with figures.
fn building_six(scale_rate: f64) -> Vec<(&'static str, V)> {
    vec![
        ("B21", V::S("批复规模（m²）")),
        ("C21", V::S("实际规模（m²）")),
        ("D21", V::S("规模控制率")),
        ("E21", V::S("投资概算（万元）")),
        ("F21", V::S("实际投资（万元）")),
        ("G21", V::S("投资概算控制率")),
        ("B22", V::N(1200.0)),
        ("C22", V::N(1180.0)),
        ("D22", V::Pct(scale_rate)),
        ("E22", V::Amount(450.0)),
        ("F22", V::Amount(441.0)),
        ("G22", V::Pct(0.98)),
    ]
}

#[test]
fn workbooks_of_each_family_check_as_the_seed_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let six = building_six(0.9833);
    let families: [(&str, Relabel, &Cells); 3] = [
        ("hunan-2024", &[], &[]),
        ("hunan-2018", LABELS_2018, &[]),
        ("hunan-2024-extended", &[], &six),
    ];
    for (family, labels, cells) in families {
        for clean in [false, true] {
            let (basic, score) = seed_tables(clean, labels, cells);
            let path = dir.path().join(format!("{family}-{clean}.xlsx"));
            write_tables(&path, &basic, &score);
            assert_eq!(family_of(&path), family, "{}", path.display());
            let fixture = if clean {
                "seed-leiyang-2024-corrected.xlsx"
            } else {
                "seed-leiyang-2024.xlsx"
            };
            let want = Expectations::of_fixture(fixture);
            let (file, code) = check(&path, None, dir.path());
            let problems = compare(&file, &want);
            assert!(
                problems.is_empty(),
                "{family} ({}): {}\n  findings:{}",
                if clean { "corrected" } else { "seed" },
                problems.join("\n  "),
                findings_list(&file)
            );
            assert_eq!(code, Some(if clean { 0 } else { 1 }));
        }
    }
}

#[test]
fn the_extended_family_recalculates_the_building_rates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (basic, score) = seed_tables(true, &[], &building_six(0.9533));
    let path = dir.path().join("building.xlsx");
    write_tables(&path, &basic, &score);
    assert_eq!(family_of(&path), "hunan-2024-extended");
    let (file, _) = check(&path, None, dir.path());
    let [f] = file.findings.as_slice() else {
        panic!("want one finding, got{}", findings_list(&file));
    };
    assert_eq!(
        (f.check.as_str(), f.cell.as_str(), f.severity.as_str()),
        ("B6", "D22", "error"),
        "{f}"
    );
    assert_eq!(value_text(&f.expected).as_deref(), Some("98.33%"), "{f}");
}

#[test]
fn fixtures_are_read_as_their_family() {
    assert_eq!(
        family_of(&common::fixture("seed-leiyang-2024.xlsx")),
        "hunan-2024"
    );
    assert_eq!(family_of(&corrected_seed()), "hunan-2024");
    assert_eq!(
        family_of(&common::fixture("county-agri-2024-clean.xlsx")),
        "hunan-2024-extended"
    );
    for family in FAMILIES {
        let blank = root()
            .join("workbook-templates/blank")
            .join(format!("{family}.xlsx"));
        assert_eq!(family_of(&blank), family, "committed blank");
    }
}
