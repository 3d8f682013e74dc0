//! The copy of an xlsx file is its own package, patched.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::Data;
use jixiao::annotate;
use jixiao::model::{CellPos, Finding, Workbook};

use crate::common_local::*;

/// `bytes` with each part passed through `edit` (name, text → text) and `extra` parts added.
fn edit_package(
    bytes: &[u8],
    edit: impl Fn(&str, String) -> String,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(edit(&name, text).as_bytes()).unwrap();
    }
    for (name, text) in extra {
        out.start_file(*name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The formulas fixture's bytes.
fn formulas_fixture() -> Vec<u8> {
    std::fs::read(fixtures_dir().join("seed-leiyang-2024-formulas.xlsx")).unwrap()
}

/// An edited formulas fixture written to a temporary folder and read back, with the findings
/// the fixture's expected file lists.
struct Edited {
    dir: tempfile::TempDir,
    input: PathBuf,
    wb: Workbook,
    findings: Vec<Finding>,
}

fn edited(bytes: Vec<u8>) -> Edited {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("edited.xlsx");
    std::fs::write(&input, bytes).unwrap();
    let wb = load(&input);
    let findings = findings_for(&fixtures_dir().join("seed-leiyang-2024-formulas.xlsx"), &wb);
    Edited {
        dir,
        input,
        wb,
        findings,
    }
}

/// Every part of an xlsx file, inflated.
fn parts(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(path).unwrap())).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Fails unless every XML part is well formed and every sheet's rows and cells are in order.
fn assert_well_formed(path: &Path) {
    for (name, data) in parts(path) {
        if !(name.ends_with(".xml") || name.ends_with(".rels") || name.ends_with(".vml")) {
            continue;
        }
        let text = String::from_utf8(data).unwrap();
        let mut reader = quick_xml::Reader::from_str(&text);
        let (mut last_row, mut last_col) = (0u32, None::<u32>);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                    match e.local_name().as_ref() {
                        "row" if name.contains("worksheets/") => {
                            let r: u32 = attr(&e, "r").unwrap().parse().unwrap();
                            assert!(r > last_row, "{name}: row {r} after {last_row}");
                            (last_row, last_col) = (r, None);
                        }
                        "c" if name.contains("worksheets/") => {
                            let pos = CellPos::parse_a1(&attr(&e, "r").unwrap()).unwrap();
                            assert_eq!(pos.row + 1, last_row, "{name}: {pos} in its row");
                            assert!(
                                last_col.is_none_or(|c| pos.col > c),
                                "{name}: {pos} in order"
                            );
                            last_col = Some(pos.col);
                        }
                        _ => {}
                    }
                }
                Ok(quick_xml::events::Event::Eof) => break,
                Err(e) => panic!("{name} is not well formed: {e}"),
                _ => {}
            }
        }
    }
}

/// The formulas fixture with what the rebuild used to lose: data validation, a print area on
/// the second sheet, the first sheet selected, and a part jixiao knows nothing about.
fn rich_package() -> Vec<u8> {
    edit_package(
        &formulas_fixture(),
        |name, xml| {
            match name {
            "xl/worksheets/sheet1.xml" => xml.replace(
                "</mergeCells>",
                r#"</mergeCells><dataValidations count="1"><dataValidation type="whole" sqref="B3"><formula1>0</formula1></dataValidation></dataValidations>"#,
            ),
            "xl/workbook.xml" => xml.replace(
                "</sheets>",
                r#"</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="1">'绩效自评表'!$A$1:$I$20</definedName></definedNames>"#,
            ),
            _ => xml,
        }
        },
        &[("customXml/item1.xml", "<note>kept as it is</note>")],
    )
}

#[test]
fn a_patched_copy_keeps_every_part_it_does_not_change() {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(rich_package());
    let flagged = flagged_set(&findings);
    let out_dir = dir.path().join("out");
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(&out_dir)).unwrap();

    assert_well_formed(&out);
    assert_preserved(&input, &out, &flagged, &BTreeSet::new());
    let before = parts(&input);
    let after = parts(&out);
    let rewritten = [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    ];
    for (name, data) in &before {
        if !rewritten.contains(&name.as_str()) {
            assert_eq!(after.get(name), Some(data), "{name} is copied as it is");
        }
    }
    let text = |name: &str| String::from_utf8(after[name].clone()).unwrap();
    assert!(
        text("xl/worksheets/sheet1.xml").contains(r#"<dataValidation type="whole" sqref="B3">"#)
    );
    let workbook = text("xl/workbook.xml");
    let summary = workbook.find("name=\"校验结果\"").unwrap();
    assert!(summary < workbook.find("name=\"基础数据表\"").unwrap());
    assert!(
        workbook.contains(r#"name="_xlnm.Print_Area" localSheetId="2""#),
        "{workbook}"
    );
    assert!(!text("xl/worksheets/sheet1.xml").contains("tabSelected"));
    assert!(annotate::is_jixiao_output(&out));
    assert_eq!(notes(&out)["基础数据表"].len(), 3);
}

#[test]
fn a_fix_over_a_shared_formula_rebuilds_the_corrected_copy() {
    let bytes = formulas_fixture();
    let shared = edit_package(
        &bytes,
        |name, xml| {
            if name == "xl/worksheets/sheet2.xml" {
                xml.replace(
                    "<f>TRUNC(E4/D4,4)</f>",
                    r#"<f t="shared" ref="G4:G4" si="0">TRUNC(E4/D4,4)</f>"#,
                )
            } else {
                xml
            }
        },
        &[],
    );
    assert_ne!(shared, bytes);
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(shared);
    let rep = report(&input, findings);
    let out_dir = dir.path().join("out");
    // The annotated copy only restyles G4: patched, shared formula kept.
    let checked = annotate::write_annotated(&wb, &rep, &opts(&out_dir)).unwrap();
    assert!(parts(&checked).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert!(
        String::from_utf8(parts(&checked)["xl/worksheets/sheet2.xml"].clone())
            .unwrap()
            .contains(r#"t="shared" ref="G4:G4""#)
    );
    // The corrected copy would orphan the formula: rebuilt, with G4 a value.
    let corrected =
        annotate::write_corrected(&wb, &corrected(&wb, rep.clone()), &opts(&out_dir)).unwrap();
    assert!(!parts(&corrected).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert_well_formed(&corrected);
    let g4 = CellPos::parse_a1("G4").unwrap();
    let mut book = open(&corrected);
    assert!(same_data(
        &cells(&mut book, "绩效自评表")[&(g4.row, g4.col)],
        &Data::Float(0.9955)
    ));
    assert!(notes(&corrected)["绩效自评表"].contains_key(&g4));
}

/// The formulas fixture with notes of its own on its first sheet: on A1, and on D3, which the
/// checker flags. `vml` is that sheet's drawing.
fn noted_package(vml: &str) -> Vec<u8> {
    edit_package(
        &formulas_fixture(),
        |name, xml| {
            match name {
            "xl/worksheets/sheet1.xml" => xml.replace(
                "</worksheet>",
                r#"<legacyDrawing r:id="rIdN1"/></worksheet>"#,
            ),
            "[Content_Types].xml" => xml.replace(
                "</Types>",
                r#"<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>"#,
            ),
            _ => xml,
        }
        },
        &[
            (
                "xl/worksheets/_rels/sheet1.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdN1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rIdN2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/></Relationships>"#,
            ),
            (
                "xl/comments1.xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>科员</author></authors><commentList><comment ref="A1" authorId="0"><text><t>已核对</t></text></comment><comment ref="D3" authorId="0"><text><r><t>编制数待确认</t></r></text></comment></commentList></comments>"#,
            ),
            ("xl/drawings/vmlDrawing1.vml", vml),
        ],
    )
}

const EXCEL_VML: &str = r##"<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype><v:shape id="_x0000_s1025" type="#_x0000_t202" style="visibility:hidden"><x:ClientData ObjectType="Note"><x:Row>0</x:Row><x:Column>0</x:Column></x:ClientData></v:shape><v:shape id="_x0000_s1026" type="#_x0000_t202" style="visibility:hidden"><x:ClientData ObjectType="Note"><x:Row>2</x:Row><x:Column>3</x:Column></x:ClientData></v:shape></xml>"##;

#[test]
fn notes_of_a_flagged_sheet_are_kept_beside_jixiaos() {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(noted_package(EXCEL_VML));
    let flagged = flagged_set(&findings);
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(dir.path())).unwrap();
    assert!(parts(&out).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert_well_formed(&out);
    assert_preserved(&input, &out, &flagged, &BTreeSet::new());

    let notes = &notes(&out)["基础数据表"];
    let at = |a1: &str| notes[&CellPos::parse_a1(a1).unwrap()].clone();
    assert_eq!(at("A1"), "已核对");
    // D3 keeps its note, and jixiao's follows it.
    assert!(
        at("D3").starts_with("编制数待确认\n\n【错误】"),
        "{}",
        at("D3")
    );
    assert!(at("C6").starts_with("【缺失】"), "{}", at("C6"));
    assert_eq!(notes.len(), 4);
    let text = |name: &str| String::from_utf8(parts(&out)[name].clone()).unwrap();
    let comments = text("xl/comments1.xml");
    assert!(comments.contains("<authors><author>科员</author><author>jixiao</author></authors>"));
    assert!(
        comments.contains(r#"<comment ref="C6" authorId="1">"#),
        "{comments}"
    );
    // The drawing gets shapes for the two new notes only, in a block of ids of their own.
    let vml = text("xl/drawings/vmlDrawing1.vml");
    assert!(vml.contains(r#"data="1,2""#), "{vml}");
    assert_eq!(vml.matches("<v:shape ").count(), 4, "{vml}");
    assert!(
        vml.contains("_x0000_s2049") && vml.contains("_x0000_s2050"),
        "{vml}"
    );
    assert!(!text("xl/worksheets/sheet1.xml").contains("rIdJixiao"));
}

#[test]
fn notes_in_a_drawing_jixiao_cannot_extend_are_rebuilt_and_still_marked() {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(noted_package("<xml/>"));
    let flagged = flagged_set(&findings);
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(dir.path())).unwrap();
    assert!(!parts(&out).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert_well_formed(&out);
    assert_preserved(&input, &out, &flagged, &BTreeSet::new());
    assert_eq!(notes(&out)["基础数据表"].len(), 3);
}

#[test]
fn the_corrected_copy_is_recalculated_on_opening() {
    let without = edit_package(
        &formulas_fixture(),
        |name, xml| {
            if name == "xl/workbook.xml" {
                xml.replace(r#"<calcPr calcId="124519" fullCalcOnLoad="1"/>"#, "")
            } else {
                xml
            }
        },
        &[],
    );
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(without);
    let rep = report(&input, findings);
    let workbook = |path: &Path| String::from_utf8(parts(path)["xl/workbook.xml"].clone()).unwrap();
    let checked = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
    assert!(!workbook(&checked).contains("calcPr"));
    let corrected =
        annotate::write_corrected(&wb, &corrected(&wb, rep.clone()), &opts(dir.path())).unwrap();
    let xml = workbook(&corrected);
    assert!(
        xml.contains(r#"</definedNames><calcPr fullCalcOnLoad="1"/></workbook>"#),
        "{xml}"
    );
    assert_well_formed(&corrected);
}

/// Writes both copies of the formulas fixture edited by `edit`, checks they are well formed,
/// keep every cell and carry jixiao's notes, and returns whether they were patched (not rebuilt).
fn both_copies_of(edit: impl Fn(&str, String) -> String) -> [bool; 2] {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(edit_package(&formulas_fixture(), edit, &[]));
    let flagged = flagged_set(&findings);
    let rep = report(&input, findings);
    let checked = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
    let corrected =
        annotate::write_corrected(&wb, &corrected(&wb, rep.clone()), &opts(dir.path())).unwrap();
    for out in [&checked, &corrected] {
        assert_well_formed(out);
        assert_eq!(notes(out)["基础数据表"].len(), 3);
    }
    assert_preserved(&input, &checked, &flagged, &BTreeSet::new());
    [checked, corrected].map(|out| parts(&out).contains_key("xl/worksheets/jixiao-summary.xml"))
}

#[test]
fn parts_that_start_with_a_byte_order_mark_are_patched_whole() {
    for part in [
        "xl/worksheets/sheet1.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "[Content_Types].xml",
    ] {
        let patched = both_copies_of(|name, xml| {
            if name == part {
                format!("\u{FEFF}{xml}")
            } else {
                xml
            }
        });
        assert_eq!(patched, [true, true], "{part}");
    }
}

#[test]
fn rows_out_of_order_are_rebuilt_not_patched() {
    // Row 6 (flagged C6, D6) moved before row 5.
    let patched = both_copies_of(|name, xml| {
        if name != "xl/worksheets/sheet1.xml" {
            return xml;
        }
        let row = |r: u32| {
            let start = xml.find(&format!("<row r=\"{r}\"")).unwrap();
            let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
            (start, end)
        };
        let ((s5, e5), (s6, e6)) = (row(5), row(6));
        assert_eq!(e5, s6);
        format!(
            "{}{}{}{}",
            &xml[..s5],
            &xml[s6..e6],
            &xml[s5..e5],
            &xml[e6..]
        )
    });
    assert_eq!(patched, [false, false]);
}
