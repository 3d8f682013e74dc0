//! Annotated copies: same-named files do not share one; the second gets a name of its own.

use super::*;

#[test]
fn same_named_files_do_not_share_an_annotated_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    fs::create_dir_all(&dir).unwrap();
    // 表.xls and 表.xlsx would both write 表.checked.xlsx.
    fs::copy(fixture("seed-leiyang-2024.xls"), dir.join("表.xls")).unwrap();
    fs::copy(fixture("seed-leiyang-2024.xlsx"), dir.join("表.xlsx")).unwrap();
    let r = run(
        &[
            os("check"),
            dir.as_os_str(),
            os("--format"),
            os("json"),
            os("--no-summary"),
        ],
        &tmp.path().join("logs"),
    );
    let files = json(&r);
    assert_eq!(files.len(), 2);
    // 表.xlsx keeps the usual name; 表.xls's copy is named after its whole name, and says so.
    assert_eq!(
        files[0]["output"],
        dir.join("表.xls.checked.xlsx").to_str().unwrap()
    );
    assert!(
        files[0]["notes"].to_string().contains("副本改名为"),
        "{:#}",
        files[0]
    );
    assert_eq!(
        files[1]["output"],
        dir.join("表.checked.xlsx").to_str().unwrap()
    );
    assert!(!files[1]["notes"].to_string().contains("副本改名为"));
    for f in ["表.xls.checked.xlsx", "表.checked.xlsx"] {
        assert!(jixiao::annotate::is_jixiao_output(&dir.join(f)), "{f}");
    }

    // Two folders given with -o: the same subfolder and name in both.
    let (a, b, out) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("out"),
    );
    for d in [&a, &b] {
        fs::create_dir_all(d.join("局")).unwrap();
        fs::copy(fixture("seed-leiyang-2024.xlsx"), d.join("局/自评表.xlsx")).unwrap();
    }
    let r = run(
        &[
            os("check"),
            a.as_os_str(),
            b.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--format"),
            os("json"),
            os("--no-summary"),
        ],
        &tmp.path().join("logs2"),
    );
    let files = json(&r);
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0]["output"],
        out.join("局/自评表.checked.xlsx").to_str().unwrap()
    );
    assert_eq!(
        files[1]["output"],
        out.join("局/自评表.xlsx.checked.xlsx").to_str().unwrap(),
        "{:#}",
        files[1]
    );
    assert!(files[1]["notes"].to_string().contains("副本改名为"));
}
