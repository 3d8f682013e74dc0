//! A batch: the good file is checked, every bad one gets its own error.

use super::*;
use crate::lying::hostile_seed_xlsx;

#[test]
fn one_bad_file_does_not_spoil_the_batch() {
    let s = Scratch::new();
    let good = s.input("a-原表.xlsx", &seed_xlsx());
    let bad: Vec<(PathBuf, &str)> = vec![
        (s.input("b-空.xlsx", b""), "0 字节"),
        (s.input("c-文本.xlsx", "备注".as_bytes()), "纯文本文件"),
        (
            s.input("d-加密.xlsx", &cfb(&[("EncryptedPackage", &[1u8; 5000])])),
            "密码保护",
        ),
        (s.input("e-半截.xlsx", &seed_xlsx()[..3000]), "损坏"),
        (
            s.input(
                "f-坏记录.xls",
                &cfb(&[(
                    "Workbook",
                    &biff_book(&[], &[("表".into(), vec![rec(0x00E5, &[5, 0])])]),
                )]),
            ),
            "无法解析",
        ),
    ];
    let far = s.input("g-远处.xlsx", &hostile_seed_xlsx());
    let mut paths: Vec<&Path> = vec![&good];
    paths.extend(bad.iter().map(|(p, _)| p.as_path()));
    paths.push(&far);
    let run = s.check(&paths, false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let files = run.files();
    assert_eq!(files.len(), paths.len());
    for f in [&files[0], &files[paths.len() - 1]] {
        assert_eq!(f["status"], "checked", "{f}");
        assert_eq!(findings(f).len(), 9);
    }
    for ((path, phrase), f) in bad.iter().zip(&files[1..]) {
        assert_eq!(f["path"], path.display().to_string());
        assert_eq!(f["status"], "failed", "{f}");
        let e = f["error"].as_str().unwrap();
        assert!(
            e.contains(phrase) && !e.contains('\n'),
            "{}: {e}",
            path.display()
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(s.listing().1.is_empty());
}
