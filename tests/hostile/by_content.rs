//! Opened by content, whatever the name.

use super::*;

#[test]
fn files_are_opened_by_content() {
    let seed = seed_xlsx();
    for name in ["自评表.et", "自评表.xls", "自评表.xlsm"] {
        assert_checked_like(name, &seed, "原表.xlsx", &seed);
    }
    let xls = fs::read(fixture("seed-leiyang-2024.xls")).unwrap();
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    assert_checked_like("旧格式.xlsx", &xls, "原表.xls", &xls);
    assert_checked_like("开放格式.xlsx", &ods, "原表.ods", &ods);
}
