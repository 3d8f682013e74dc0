//! Zip bombs.

use super::*;

fn bomb_parts() -> Vec<(String, Vec<u8>)> {
    xlsx_parts(&[("绩效自评表".into(), "worksheets/sheet1.xml".into())])
}

#[test]
fn zip_bomb_sheet_of_two_gibibytes() {
    let parts = bomb_parts();
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let bomb = zeros_zip(&refs, "xl/worksheets/sheet1.xml", 2 << 30);
    assert!(bomb.len() < 4 << 20, "bomb is {} bytes on disk", bomb.len());
    let msg = assert_refused("炸弹.xlsx", &bomb, "疑似压缩炸弹");
    assert!(msg.contains("128 MiB"), "{msg}");
}

#[test]
fn zip_bomb_with_lying_sizes() {
    // 600 MiB of zeros that the headers say are 100 bytes: caught while inflating.
    let parts = bomb_parts();
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let mut bomb = zeros_zip(&refs, "xl/worksheets/sheet1.xml", 600 << 20);
    lie_about_size(&mut bomb, "xl/worksheets/sheet1.xml", 100);
    let s = Scratch::new();
    let input = s.input("炸弹2.xlsx", &bomb);
    let run = s.check(&[&input], true);
    let f = &run.files()[0];
    let error = f["error"].as_str().unwrap_or_default();
    assert_eq!(run.code, Some(2));
    assert!(
        error.contains("疑似压缩炸弹") || error.contains("损坏"),
        "{error}"
    );
    assert!(s.listing().1.is_empty());
}
