//! XLSX part sanitising. Both functions mirror how calamine 0.38 reads the part,
//! with the same quick-xml settings, so they see the same first tags it does.

use quick_xml::events::Event;

use super::bytes::find;
use super::SniffError;
use crate::i18n::errors::ErrMsg;
use crate::i18n::msg;
use crate::ooxml::{raw_attrs, split_bom, xml_reader};

/// The raw tag the reader just read, if the positions are where a tag must be.
fn raw_tag(xml: &[u8], before: u64, after: u64) -> Option<(usize, usize)> {
    let (before, after) = (usize::try_from(before).ok()?, usize::try_from(after).ok()?);
    let tag = xml.get(before..after)?;
    (tag.first() == Some(&b'<') && tag.last() == Some(&b'>')).then_some((before, after))
}

enum Step {
    Tag {
        empty: bool,
        qname: Vec<u8>,
        /// As quick-xml (and so calamine) splits it off the prefix.
        local: String,
    },
    Other,
    End,
}

/// Start and empty tags; the end of input and errors are both `End`.
fn step(ev: quick_xml::Result<Event<'_>>) -> Step {
    let (empty, e) = match ev {
        Ok(Event::Start(e)) => (false, e),
        Ok(Event::Empty(e)) => (true, e),
        Ok(Event::Eof) | Err(_) => return Step::End,
        Ok(_) => return Step::Other,
    };
    Step::Tag {
        empty,
        qname: e.name().as_ref().as_bytes().to_vec(),
        local: e.local_name().as_ref().to_owned(),
    }
}

const XML_CONFUSED: SniffError = SniffError::Corrupt {
    detail: ErrMsg::XmlUnreadable,
    source: None,
};

/// Rewrites the first `<sst ...>` tag (local name exactly "sst", as calamine
/// matches), the only one calamine reads `uniqueCount` from, as a bare `<sst>`;
/// calamine ignores namespaces, so no attribute is needed. On an XML error before that tag calamine fails
/// too, so the part is returned as it was.
pub(super) fn sanitize_sst(xml: &[u8]) -> Result<Vec<u8>, SniffError> {
    let (bom, body) = split_bom(xml);
    let mut r = xml_reader(body);
    loop {
        let before = r.buffer_position();
        let (empty, qname) = match step(r.read_event()) {
            Step::Tag {
                empty,
                qname,
                local,
            } if local == "sst" => (empty, qname),
            Step::Tag { .. } | Step::Other => continue,
            Step::End => return Ok(xml.to_vec()),
        };
        let (before, after) = raw_tag(body, before, r.buffer_position()).ok_or(XML_CONFUSED)?;
        let mut out = Vec::with_capacity(xml.len());
        out.extend_from_slice(bom);
        out.extend_from_slice(&body[..before]);
        out.push(b'<');
        out.extend_from_slice(&qname);
        out.extend_from_slice(if empty { b"/>" } else { b">" });
        out.extend_from_slice(&body[after..]);
        return Ok(out);
    }
}

/// Longest formula text in a sheet with shared formulas: calamine copies a shared
/// formula's text, translated, into every cell of its group.
const MAX_FORMULA_BYTES: usize = 64 * 1024;

/// Most distinct shared-formula groups (`si`) one sheet may have.
const MAX_SHARED_FORMULAS: usize = 1 << 20;

/// Removes `<dimension .../>` before `<sheetData>` (calamine reads it only there).
/// A non-empty `<dimension ...>` start tag becomes `<dimension ref="A1">`.
///
/// Every `si` attribute is renumbered densely (0, 1, 2… in order of first
/// appearance; equal numbers stay equal): calamine grows a vector to `si + 1`
/// entries for each shared-formula anchor, so one `si="99999999999"` would abort.
/// In such a sheet a formula longer than [`MAX_FORMULA_BYTES`] is refused.
pub(super) fn sanitize_sheet(xml: &[u8]) -> Result<Vec<u8>, SniffError> {
    let (bom, body) = split_bom(xml);
    // calamine reads `si` only when `t="shared"`; without that text no tag needs it.
    let renumber = find(body, b"shared").is_some();
    let mut r = xml_reader(body);
    let mut out = Vec::with_capacity(xml.len());
    out.extend_from_slice(bom);
    let mut last = 0;
    let mut in_data = false;
    let mut groups = SharedGroups::default();
    // Bytes of the `<f>` element being read, if any.
    let mut formula: Option<usize> = None;
    loop {
        let before = r.buffer_position();
        let grown = match r.read_event() {
            Ok(Event::Start(e)) => Ok((e, false)),
            Ok(Event::Empty(e)) => Ok((e, true)),
            Ok(Event::End(e)) => {
                if e.local_name().as_ref() == "f" {
                    formula = None;
                }
                Err(0)
            }
            Ok(Event::Text(t)) => Err(t.len()),
            Ok(Event::CData(t)) => Err(t.len()),
            Ok(Event::GeneralRef(_)) => Err(1),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let (e, empty) = match grown {
            Ok(tag) => tag,
            Err(n) => {
                grow_formula(&mut formula, n)?;
                continue;
            }
        };
        let after = r.buffer_position();
        let local = e.local_name();
        if !empty && local.as_ref() == "f" {
            formula = Some(0);
        }
        if !in_data && local.as_ref() == "sheetData" {
            in_data = true;
        } else if !in_data && local.as_ref() == "dimension" {
            let (before, after) = raw_tag(body, before, after).ok_or(XML_CONFUSED)?;
            out.extend_from_slice(&body[last..before]);
            if !empty {
                out.push(b'<');
                out.extend_from_slice(e.name().as_ref().as_bytes());
                out.extend_from_slice(b" ref=\"A1\">");
            }
            last = after;
            continue;
        } else if !in_data && !renumber {
            continue;
        }
        if !renumber {
            break;
        }
        let attrs = e.attributes_raw();
        if !attrs.contains("si") {
            continue;
        }
        let tag = raw_tag(body, before, after).ok_or(XML_CONFUSED)?;
        renumber_tag(body, tag, attrs, &mut groups, &mut out, &mut last)?;
    }
    out.extend_from_slice(&body[last..]);
    Ok(out)
}

/// Counts `n` more bytes into the `<f>` element being read, if any.
fn grow_formula(formula: &mut Option<usize>, n: usize) -> Result<(), SniffError> {
    let Some(len) = formula else {
        return Ok(());
    };
    *len += n;
    if *len > MAX_FORMULA_BYTES {
        return Err(SniffError::Bloated {
            detail: msg!(ErrMsg::LongFormula, MAX_FORMULA_BYTES / 1024),
        });
    }
    Ok(())
}

/// Copies `body` up to each `si` value of the tag at `before..after` into `out`, then the
/// value's dense number; `last` is where copying stopped.
fn renumber_tag(
    body: &[u8],
    (before, after): (usize, usize),
    attrs: &str,
    groups: &mut SharedGroups,
    out: &mut Vec<u8>,
    last: &mut usize,
) -> Result<(), SniffError> {
    // The attributes are a slice of the tag: find where, and check it.
    let at = (attrs.as_ptr() as usize)
        .checked_sub(body.as_ptr() as usize)
        .filter(|&at| {
            at >= before
                && at + attrs.len() <= after
                && body.get(at..at + attrs.len()) == Some(attrs.as_bytes())
        })
        .ok_or(XML_CONFUSED)?;
    for item in raw_attrs(attrs) {
        let Ok((key, value)) = item else { break };
        if key != "si" {
            continue;
        }
        let index = groups.index_of(&attrs[value.clone()])?;
        out.extend_from_slice(&body[*last..at + value.start]);
        out.extend_from_slice(index.to_string().as_bytes());
        *last = at + value.end;
    }
    Ok(())
}

/// Dense numbers for a sheet's shared-formula indices.
#[derive(Default)]
struct SharedGroups(std::collections::HashMap<String, usize>);

impl SharedGroups {
    fn index_of(&mut self, raw: &str) -> Result<usize, SniffError> {
        // "007" and "7" are the same group to calamine; anything not a plain
        // number is kept apart (calamine would refuse it; now it gets a number).
        let key = if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            let t = raw.trim_start_matches('0');
            if t.is_empty() { "0" } else { t }.to_string()
        } else {
            format!("\0{raw}")
        };
        let next = self.0.len();
        if next >= MAX_SHARED_FORMULAS && !self.0.contains_key(&key) {
            return Err(SniffError::Corrupt {
                detail: ErrMsg::SharedFormulas,
                source: None,
            });
        }
        Ok(*self.0.entry(key).or_insert(next))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{sniff_bytes, sniff_path};
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn lying_shared_string_counts_are_removed() {
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{NS}" count="4294967295" uniqueCount="4294967295"><si><t>项目支出</t></si><si><t>自评得分</t></si></sst>"#
        );
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>"#
        );
        let out = xlsx_bytes(sniff_bytes(mini_xlsx(&sheet, &sst)).unwrap());
        let clean_sst = part(&out, "xl/sharedStrings.xml");
        // Checked before calamine sees it: a regression would abort the test process.
        assert!(!clean_sst.contains("ount="), "{clean_sst}");
        assert!(clean_sst.contains("<sst><si>"), "{clean_sst}");
        assert!(clean_sst.contains("<si><t>项目支出</t></si>"));
        assert!(!part(&out, "xl/worksheets/sheet1.xml").contains("dimension"));

        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
        let range = wb.worksheet_range("绩效自评表").unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("项目支出".into()))
        );
        assert_eq!(
            range.get_value((0, 1)),
            Some(&Data::String("自评得分".into()))
        );
    }

    #[test]
    fn sst_variants_are_sanitised() {
        let cases = [
            ("\u{FEFF}<sst count=\"9\" uniqueCount=\"9\"><si/></sst>", "\u{FEFF}<sst><si/></sst>"),
            ("<?xml version='1.0'?><!-- <sst uniqueCount=\"1\"> --><x:sst xmlns:x='u' uniqueCount = '99999999999'\n count='1'/>", "<?xml version='1.0'?><!-- <sst uniqueCount=\"1\"> --><x:sst/>"),
            ("<sst a=\">\" uniqueCount=\"5\"><si/></sst><sst uniqueCount=\"7\">", "<sst><si/></sst><sst uniqueCount=\"7\">"),
            ("<sst uniqueCount><si/></sst>", "<sst><si/></sst>"),
            ("<SST uniqueCount=\"1\"/><a:b:sst uniqueCount=\"2\"/><x:sst uniqueCount=\"9\">", "<SST uniqueCount=\"1\"/><a:b:sst uniqueCount=\"2\"/><x:sst>"),
            ("<not-xml", "<not-xml"),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(sanitize_sst(input.as_bytes()).unwrap()).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn dimension_is_removed_before_sheet_data_only() {
        let cases = [
            ("<worksheet><sheetPr/><dimension ref=\"A1:XFD1048576\" /><sheetData/></worksheet>", "<worksheet><sheetPr/><sheetData/></worksheet>"),
            ("<x:worksheet><x:dimension ref=\"A1:B2\"/><x:sheetData><x:dimension ref=\"Z9\"/></x:sheetData></x:worksheet>", "<x:worksheet><x:sheetData><x:dimension ref=\"Z9\"/></x:sheetData></x:worksheet>"),
            ("<worksheet><dimension ref=\"A1:XFD9\"></dimension><sheetData/></worksheet>", "<worksheet><dimension ref=\"A1\"></dimension><sheetData/></worksheet>"),
            ("<worksheet><sheetData/></worksheet>", "<worksheet><sheetData/></worksheet>"),
            ("\u{FEFF}<?xml version=\"1.0\"?>\n<worksheet>\n  <dimension ref=\"A1:C3\"/>\n</worksheet>", "\u{FEFF}<?xml version=\"1.0\"?>\n<worksheet>\n  \n</worksheet>"),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(sanitize_sheet(input.as_bytes()).unwrap()).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn shared_formula_indices_are_renumbered() {
        let cases = [
            // Dense from first appearance; "007" and "7" are one group; other tags untouched.
            (
                "<worksheet><sheetData><c r=\"B1\"><f t=\"shared\" si=\"99999999999\" ref=\"B1:B3\">A1</f></c><c><f t='shared' si = '007'/></c><c><f si=\"7\" t=\"shared\"/></c><c><f t=\"shared\" si=\"99999999999\"/></c></sheetData></worksheet>",
                "<worksheet><sheetData><c r=\"B1\"><f t=\"shared\" si=\"0\" ref=\"B1:B3\">A1</f></c><c><f t='shared' si = '1'/></c><c><f si=\"1\" t=\"shared\"/></c><c><f t=\"shared\" si=\"0\"/></c></sheetData></worksheet>",
            ),
            // Not numbers, and attributes that are only similar.
            (
                "<x:worksheet><x:sheetData><x:f t=\"shared\" si=\"-1\" xsi=\"9\" si=\"\"/></x:sheetData></x:worksheet>",
                "<x:worksheet><x:sheetData><x:f t=\"shared\" si=\"0\" xsi=\"9\" si=\"1\"/></x:sheetData></x:worksheet>",
            ),
            // Without "shared" anywhere, nothing after <sheetData> is touched.
            (
                "<worksheet><dimension ref=\"A1:C3\"/><sheetData><f si=\"99999999999\"/></sheetData></worksheet>",
                "<worksheet><sheetData><f si=\"99999999999\"/></sheetData></worksheet>",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(sanitize_sheet(input.as_bytes()).unwrap()).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn overlong_shared_formula_is_refused() {
        let long = "A1+".repeat(30_000);
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="B1"><f t="shared" ref="B1:B9" si="0">{long}1</f></c></row></sheetData></worksheet>"#
        );
        let e = err(mini_xlsx(&sheet, "<sst/>"));
        assert!(e.to_string().contains("8192"), "{e}");
        // Long text elsewhere, and a formula of ordinary length, pass.
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{long}</t></is></c><c r="B1"><f t="shared" ref="B1:B9" si="0">&amp;A1+1</f></c></row></sheetData></worksheet>"#
        );
        assert!(sniff_bytes(mini_xlsx(&sheet, "<sst/>")).is_ok());
    }

    /// The abort the renumbering closes: calamine reading `si="1000000000000"` directly
    /// would try to allocate 40 TB. After sniffing, formulas still expand as before.
    #[test]
    fn huge_shared_formula_index_is_read_normally() {
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B2" si="1000000000000">A1*2</f><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c><c r="B2"><f t="shared" si="1000000000000"/><v>6</v></c></row></sheetData></worksheet>"#
        );
        let sst = format!(r#"<sst xmlns="{NS}"/>"#);
        let out = xlsx_bytes(sniff_bytes(mini_xlsx(&sheet, &sst)).unwrap());
        assert!(part(&out, "xl/worksheets/sheet1.xml").contains(r#"si="0""#));
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
        let mut reader = wb.worksheet_cells_reader("绩效自评表").unwrap();
        let mut formulas = Vec::new();
        while let Some(c) = reader.next_cell_with_formula().unwrap() {
            formulas.push((c.pos, c.formula));
        }
        assert_eq!(
            formulas,
            vec![
                ((0, 0), None),
                ((0, 1), Some("A1*2".to_string())),
                ((1, 0), None),
                ((1, 1), Some("A2*2".to_string())),
            ]
        );
    }

    #[test]
    fn seed_workbook_passes_and_calamine_reads_it() {
        let original = read_fixture("seed-leiyang-2024.xlsx");
        let out = xlsx_bytes(sniff_path(&fixture("seed-leiyang-2024.xlsx")).unwrap());
        assert!(!part(&out, "xl/worksheets/sheet1.xml").contains("<dimension"));

        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
        let names = wb.sheet_names();
        assert!(
            names.iter().any(|n| n == "基础数据表") && names.iter().any(|n| n == "绩效自评表"),
            "{names:?}"
        );
        let mut orig: Xlsx<_> = open_workbook_from_rs(Cursor::new(original)).unwrap();
        for name in names {
            let (a, b) = (
                wb.worksheet_range(&name).unwrap(),
                orig.worksheet_range(&name).unwrap(),
            );
            assert!(a.used_cells().count() > 10, "{name} looks empty");
            assert_eq!(a, b, "sheet {name} differs after sanitising");
        }
    }

    #[test]
    fn every_xlsx_fixture_passes() {
        let mut seen = 0;
        for entry in std::fs::read_dir(fixture("")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                let out = xlsx_bytes(sniff_path(&path).unwrap());
                let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
                assert!(!wb.worksheets().is_empty(), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 4, "only {seen} fixtures");
    }

    /// What calamine would see: the raw attributes of the first `sst` start tag.
    fn first_sst_attrs(xml: &[u8]) -> Option<String> {
        let mut r = quick_xml::Reader::from_reader(xml);
        let c = r.config_mut();
        c.check_end_names = false;
        c.check_comments = false;
        c.trim_text(false);
        c.expand_empty_elements = true;
        loop {
            match r.read_event() {
                Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                    return Some(e.attributes_raw().to_owned())
                }
                Ok(Event::Eof) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// Whatever the XML, the first `<sst>` calamine finds after sanitising has no counts.
    #[test]
    fn sanitised_sst_never_keeps_counts() {
        let mut rnd = xorshift(0x2545_F491_4F6C_DD1D);
        let seeds: [&[u8]; 3] = [
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<sst xmlns=\"u\" count=\"9\" uniqueCount=\"4294967295\"><si><t>a</t></si></sst>",
            b"<!-- x --><x:sst xmlns:x='u'\tuniqueCount='99'/><sst uniqueCount=\"1\"/>",
            b"<sst uniqueCount=\"12\" a='>'>",
        ];
        for seed in seeds {
            for _ in 0..fuzz_rounds() * 4 {
                let xml = mutate(seed, &mut rnd);
                let Ok(out) = sanitize_sst(&xml) else {
                    continue;
                };
                if let Some(attrs) = first_sst_attrs(&out) {
                    assert!(
                        attrs.trim().is_empty(),
                        "kept in {:?} -> {:?}",
                        String::from_utf8_lossy(&xml),
                        String::from_utf8_lossy(&out)
                    );
                }
                let _ = sanitize_sheet(&xml);
            }
        }
    }
}
