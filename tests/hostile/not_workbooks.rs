//! Not workbooks, password-protected ones, and a workbook that is not the form.

use super::*;

#[test]
fn empty_file() {
    assert_refused("空.xlsx", b"", "0 字节");
}

#[test]
fn text_file_named_xlsx() {
    assert_refused(
        "说明.xlsx",
        "这是一段说明文字，不是表格。\n".as_bytes(),
        "纯文本文件",
    );
}

#[test]
fn word_document_named_xlsx() {
    let docx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert_refused("自评报告.xlsx", &docx, "Word 文档");
    // An old binary .doc named .xls.
    let doc = cfb(&[("WordDocument", &[0u8; 600]), ("1Table", &[0u8; 100])]);
    assert_refused("自评报告.xls", &doc, "Word 文档");
}

#[test]
fn truncated_and_corrupt_zip() {
    let seed = seed_xlsx();
    assert_refused("半截.xlsx", &seed[..seed.len() / 2], "损坏或不完整");
    assert_refused("开头.xlsx", &seed[..100], "损坏或不完整");
    // Flip bytes inside the first entry's compressed data.
    let mut bad = seed.clone();
    for b in &mut bad[200..260] {
        *b ^= 0x5A;
    }
    assert_refused("坏块.xlsx", &bad, "损坏");
}

#[test]
fn password_protected_xlsx() {
    let f = cfb(&[
        ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", &[0x5Au8; 5000]),
    ]);
    let msg = assert_refused("加密.xlsx", &f, "密码保护");
    assert!(msg.contains("取消密码后重试"), "{msg}");
}

#[test]
fn password_protected_xls() {
    let real = fs::read(fixture("sniff/password-secret.xls")).unwrap();
    assert_refused("加密.xls", &real, "密码保护");
    let stream = biff_book(&[rec(FILEPASS.0, FILEPASS.1)], &[]);
    assert_refused("加密2.xls", &cfb(&[("Workbook", &stream)]), "密码保护");
}

#[test]
fn password_protected_ods() {
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    let locked = repack(
        &ods,
        |name, text| {
            if name == "META-INF/manifest.xml" {
                let entry = r#"manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#;
                assert!(text.contains(entry));
                text.replacen(
                    entry,
                    r#"manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry>"#,
                    1,
                )
            } else {
                text
            }
        },
        &[],
    );
    assert_refused("加密.ods", &locked, "密码保护");
}

#[test]
fn workbook_without_the_two_tables() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "2024 年度工作总结").unwrap();
    ws.write_number(1, 1, 12.5).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let msg = assert_refused("总结.xlsx", &bytes, "未找到基础数据表");
    assert!(msg.contains("三级指标"), "{msg}");
}
