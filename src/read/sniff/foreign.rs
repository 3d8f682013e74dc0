//! Neither ZIP nor OLE: name what the file looks like.

use super::bytes::{find, rd_u32};
use super::SniffError;
use crate::i18n::errors::ErrMsg;

pub(super) fn describe_other(bytes: &[u8]) -> SniffError {
    use SniffError::{ConvertFirst, NotWorkbook};
    let head = &bytes[..bytes.len().min(8192)];
    let nw = |what| NotWorkbook { what };

    const MAGIC: &[(&[u8], ErrMsg)] = &[
        (b"\x89PNG\r\n\x1a\n", ErrMsg::KindPng),
        (b"\xFF\xD8\xFF", ErrMsg::KindJpeg),
        (b"GIF87a", ErrMsg::KindGif),
        (b"GIF89a", ErrMsg::KindGif),
        (b"II*\x00", ErrMsg::KindTiff),
        (b"MM\x00*", ErrMsg::KindTiff),
        (b"Rar!\x1a\x07", ErrMsg::KindRar),
        (b"7z\xBC\xAF\x27\x1C", ErrMsg::Kind7z),
        (b"\x1F\x8B", ErrMsg::KindGzip),
        (b"{\\rtf", ErrMsg::KindRtf),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return nw(*what);
        }
    }
    if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return nw(ErrMsg::KindPdf);
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return nw(ErrMsg::KindWebp);
    }

    if let Some(text) = as_text(head) {
        return describe_text(&text);
    }

    if head.len() >= 14 && head.starts_with(b"BM") && rd_u32(head, 2) == Some(bytes.len() as u32) {
        return nw(ErrMsg::KindBmp);
    }
    // Excel 2.x–4.0 worksheets are bare BIFF streams that start with a BOF record.
    if head.len() >= 4
        && head[0] == 0x09
        && matches!(head[1], 0x00 | 0x02 | 0x04)
        && head[3] == 0
        && (4..=16).contains(&head[2])
    {
        return ConvertFirst {
            what: ErrMsg::KindOldExcel,
        };
    }
    let head = bytes
        .iter()
        .take(8)
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ");
    SniffError::Unknown { head }
}

/// The head of the file as text, if it is text: UTF-16 with a byte-order mark (Excel's
/// "Unicode text" export is UTF-16LE), or bytes without control characters.
fn as_text(head: &[u8]) -> Option<String> {
    let utf16 = if head.starts_with(b"\xFF\xFE") {
        Some(true)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(false)
    } else {
        None
    };
    match utf16 {
        Some(le) => {
            let units = head[2..].chunks_exact(2).map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            Some(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or('\u{FFFD}'))
                    .collect(),
            )
        }
        // GBK text is not UTF-8, so judge by control bytes, not by encoding.
        None if head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A | 0x1B)) =>
        {
            Some(String::from_utf8_lossy(head).into_owned())
        }
        None => None,
    }
}

fn describe_text(text: &str) -> SniffError {
    use SniffError::{ConvertFirst, NotWorkbook};
    let lower = text
        .trim_start_matches('\u{FEFF}')
        .trim_start()
        .to_ascii_lowercase();
    let excel_ns = lower.contains("urn:schemas-microsoft-com:office:excel");
    if lower.starts_with("<?xml") && !lower.contains("<html") {
        if lower.contains("urn:schemas-microsoft-com:office:spreadsheet")
            || lower.contains("excel.sheet")
        {
            return ConvertFirst {
                what: ErrMsg::KindXml2003,
            };
        }
        return NotWorkbook {
            what: ErrMsg::KindXml,
        };
    }
    if lower.starts_with("<!doctype html") || lower.contains("<html") || lower.contains("<table") {
        if excel_ns || lower.contains("<table") {
            return ConvertFirst {
                what: ErrMsg::KindHtmlTable,
            };
        }
        return NotWorkbook {
            what: ErrMsg::KindHtml,
        };
    }
    if lower.starts_with("mime-version:") || lower.contains("content-type: multipart/related") {
        if excel_ns || lower.contains("excel") {
            return ConvertFirst {
                what: ErrMsg::KindMhtTable,
            };
        }
        return NotWorkbook {
            what: ErrMsg::KindMht,
        };
    }
    let lines: Vec<&str> = lower
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .collect();
    if lines.len() >= 2 && lines.iter().all(|l| l.contains(',') || l.contains('\t')) {
        return ConvertFirst {
            what: ErrMsg::KindCsv,
        };
    }
    NotWorkbook {
        what: ErrMsg::KindText,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::err;
    use super::*;

    #[test]
    fn other_formats_are_named() {
        let gbk_text: &[u8] =
            b"\xbc\xa8\xd0\xa7\xd7\xd4\xc6\xc0\r\n\xcf\xee\xc4\xbf\xd6\xa7\xb3\xf6\r\n";
        let utf16_tsv: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain(
                "项目\t金额\r\n支出\t1\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"hello, this is just a note\n".to_vec(), "纯文本文件"),
            (gbk_text.to_vec(), "纯文本文件"),
            ("项目,金额\n支出,100\n收入,200\n".into(), "CSV"),
            (utf16_tsv, "CSV"),
            (b"<!DOCTYPE html><html><body><p>hi</p></body></html>".to_vec(), "HTML 网页文件"),
            (br#"<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>1</td></tr></table>"#.to_vec(), "网页（HTML）格式的表格"),
            (br#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>"#.to_vec(), "Excel 2003 XML"),
            (b"<?xml version=\"1.0\"?><note/>".to_vec(), "XML 文件"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(), "PDF"),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "PNG 图片"),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF".to_vec(), "JPEG 图片"),
            (b"Rar!\x1a\x07\x01\0".to_vec(), "RAR"),
            (b"{\\rtf1\\ansi hello}".to_vec(), "RTF"),
        ];
        for (bytes, want) in cases {
            let msg = err(bytes.clone()).to_string();
            assert!(
                msg.contains(want),
                "{:?}: got {msg}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(20)])
            );
        }
        let e = err(b"\x00\x01\x02\x03\xFE\xED\xFA\xCE garbage".to_vec());
        assert!(
            matches!(&e, SniffError::Unknown { head } if head == "00 01 02 03 FE ED FA CE"),
            "{e:?}"
        );
        assert!(matches!(
            err(b"\xFF\xD8\xFF\xE0".to_vec()),
            SniffError::NotWorkbook { .. }
        ));
        assert!(matches!(
            err(b"<table><tr><td>1".to_vec()),
            SniffError::ConvertFirst { .. }
        ));
    }
}
