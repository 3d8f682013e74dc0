//! XML read the way calamine 0.38 reads it.

use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;

/// A reader with calamine's settings, so a caller sees the same tags calamine does.
pub fn xml_reader(xml: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let c = r.config_mut();
    c.check_end_names = false;
    c.check_comments = false;
    c.trim_text(false);
    c.expand_empty_elements = false;
    r
}

/// `(bom, body)`: quick-xml skips a leading BOM without counting it in its positions.
pub fn split_bom(xml: &[u8]) -> (&[u8], &[u8]) {
    let n = if xml.starts_with(b"\xEF\xBB\xBF") {
        3
    } else if xml.starts_with(b"\xFF\xFE") || xml.starts_with(b"\xFE\xFF") {
        2
    } else {
        0
    };
    xml.split_at(n)
}

/// XML attributes as calamine 0.38 splits them (`attrs.rs`, `RawAttrIter`): the
/// key, and where its raw value lies in `raw`; `Err` ends the list as it ends
/// calamine's reading of the tag.
pub fn raw_attrs(raw: &str) -> impl Iterator<Item = Result<(&str, std::ops::Range<usize>), ()>> {
    let bytes = raw.as_bytes();
    let mut pos = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let key_start = pos;
        while pos < bytes.len() && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= bytes.len() {
            done = true;
            return Some(Err(()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match bytes.get(pos) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => {
                done = true;
                return Some(Err(()));
            }
        };
        pos += 1;
        let start = pos;
        while pos < bytes.len() && bytes[pos] != quote {
            pos += 1;
        }
        let value = start..pos;
        if pos < bytes.len() {
            pos += 1;
        }
        Some(Ok((key, value)))
    })
}

/// The value of the attribute whose local name is `local`, unescaped and normalised.
pub fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}
