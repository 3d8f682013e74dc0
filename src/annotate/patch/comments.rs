//! Notes: a comments part and its VML drawing per sheet, or the sheet's own extended.

use std::fmt::Write as _;

use quick_xml::events::Event;

use super::xml::{check_root, t_element, Spans, Splices};
use super::{Result, Unsupported, MAIN_NS, XML_HEAD};
use crate::annotate::notes::note_size;
use crate::model::{CellPos, Sheet};
use crate::ooxml::attr;

/// The shape-id blocks `notes` notes take from `first` on, as an idmap's `data` lists them,
/// and the first block after them.
pub(super) fn vml_blocks(first: u32, notes: usize) -> (String, u32) {
    // Ids start at block × 1024 + 1.
    let n = ((notes + 1).div_ceil(1024).max(1)) as u32;
    let list: Vec<String> = (first..first + n).map(|b| b.to_string()).collect();
    (list.join(","), first + n)
}

/// One note as a comment's rich-text run.
fn note_run(text: &str) -> String {
    format!(
        "<r><rPr><sz val=\"8\"/><color indexed=\"81\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>{}</r>",
        t_element(text)
    )
}

/// The sheet's own comments part with jixiao as one more author and the notes added: a note on
/// a cell that already has a comment goes after its text. Returns the part and those cells.
pub(super) fn merge_comments(
    xml: &[u8],
    notes: &[(CellPos, String)],
) -> Result<(Vec<u8>, Vec<CellPos>)> {
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    let mut authors = 0usize;
    let mut authors_at = None;
    let mut list_at = None;
    let mut current: Option<&String> = None;
    let mut noted = Vec::new();
    loop {
        let (event, range, depth) = spans.next()?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                match (depth, name.as_ref()) {
                    (0, "comments") => check_root(e, MAIN_NS)?,
                    (0, _) => return Err(Unsupported::UnexpectedPart),
                    (1, "authors") if empty => {
                        authors_at = Some(range.clone());
                    }
                    (2, "author") => authors += 1,
                    (1, "commentList") if empty => list_at = Some(range.clone()),
                    (2, "comment") => {
                        let pos = attr(e, "ref").and_then(|r| CellPos::parse_a1(r.trim()));
                        current = notes
                            .iter()
                            .find(|(p, _)| Some(*p) == pos)
                            .map(|(p, text)| {
                                noted.push(*p);
                                text
                            });
                    }
                    (4, "rPh" | "phoneticPr") if current.is_some() => {
                        return Err(Unsupported::Comments);
                    }
                    // Plain text becomes a run, so that the note's run joins runs only.
                    (4, "t") if current.is_some() => {
                        splices.put(range.start..range.start, "<r>".to_string());
                        if empty {
                            splices.put(range.end..range.end, "</r>".to_string());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match (depth, e.local_name().as_ref()) {
                (4, "t") if current.is_some() => {
                    splices.put(range.end..range.end, "</r>".to_string());
                }
                (1, "authors") => authors_at = Some(range.start..range.start),
                (1, "commentList") => list_at = Some(range.start..range.start),
                (3, "text") => {
                    if let Some(text) = current.take() {
                        splices.put(range.start..range.start, note_run(&format!("\n\n{text}")));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (Some(authors_at), Some(list_at)) = (authors_at, list_at) else {
        return Err(Unsupported::Comments);
    };
    let author = "<author>jixiao</author>".to_string();
    splices.put(
        authors_at.clone(),
        if authors_at.is_empty() {
            author
        } else {
            format!("<authors>{author}</authors>")
        },
    );
    let mut added = String::new();
    for (pos, text) in notes.iter().filter(|(p, _)| !noted.contains(p)) {
        let _ = write!(
            added,
            "<comment ref=\"{pos}\" authorId=\"{authors}\"><text>{}</text></comment>",
            note_run(text)
        );
    }
    splices.put(
        list_at.clone(),
        if list_at.is_empty() {
            added
        } else {
            format!("<commentList>{added}</commentList>")
        },
    );
    Ok((splices.apply(xml), noted))
}

/// The sheet's own VML drawing with shapes for `notes` added, in shape-id block `block`.
pub(super) fn add_shapes(
    vml: &[u8],
    sheet: &Sheet,
    notes: &[(CellPos, String)],
    block: u32,
) -> Result<Vec<u8>> {
    if notes.is_empty() {
        return Ok(vml.to_vec());
    }
    for ns in [
        &b"xmlns:v=\"urn:schemas-microsoft-com:vml\""[..],
        b"xmlns:o=\"urn:schemas-microsoft-com:office:office\"",
        b"xmlns:x=\"urn:schemas-microsoft-com:office:excel\"",
    ] {
        if memchr::memmem::find(vml, ns).is_none() {
            return Err(Unsupported::Drawing);
        }
    }
    let idmap = memchr::memmem::find(vml, b"<o:idmap").ok_or(Unsupported::Drawing)?;
    let data = memchr::memmem::find(&vml[idmap..], b"data=\"")
        .map(|at| idmap + at + 6)
        .ok_or(Unsupported::Drawing)?;
    let data_end = vml[data..]
        .iter()
        .position(|&b| b == b'"')
        .map(|at| data + at)
        .ok_or(Unsupported::Drawing)?;
    let close = memchr::memmem::rfind(vml, b"</xml>").ok_or(Unsupported::Drawing)?;
    if close < data_end {
        return Err(Unsupported::Drawing);
    }
    let mut splices = Splices::default();
    splices.put(
        data_end..data_end,
        format!(",{}", vml_blocks(block, notes.len()).0),
    );
    splices.put(
        close..close,
        vml_shapes(sheet, notes, block, "_jixiao_t202"),
    );
    Ok(splices.apply(vml))
}

pub(super) fn comments_xml(notes: &[(CellPos, String)]) -> String {
    let mut out = format!(
        "{XML_HEAD}<comments xmlns=\"{MAIN_NS}\"><authors><author>jixiao</author></authors><commentList>"
    );
    for (pos, text) in notes {
        let _ = write!(
            out,
            "<comment ref=\"{pos}\" authorId=\"0\"><text><r><rPr><sz val=\"8\"/><color indexed=\"81\"/>\
             <rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>{}</r></text></comment>",
            t_element(text)
        );
    }
    out.push_str("</commentList></comments>");
    out
}

/// Pixel width of a column as Excel draws it.
fn col_px(sheet: &Sheet, col: u32) -> u32 {
    let width = sheet.col_widths.get(&col).copied().unwrap_or(8.43);
    if width <= 0.0 {
        0
    } else if width < 1.0 {
        (width * 12.0 + 0.5) as u32
    } else {
        (width * 7.0 + 0.5) as u32 + 5
    }
}

fn row_px(sheet: &Sheet, row: u32) -> u32 {
    let height = sheet.row_heights.get(&row).copied().unwrap_or(15.0);
    (height.max(0.0) * 4.0 / 3.0).round() as u32
}

/// The cell and offset where a distance in pixels from the start of `first` ends.
fn walk(mut at: u32, mut px: u32, size: impl Fn(u32) -> u32, last: u32) -> (u32, u32) {
    while at < last {
        let s = size(at);
        if px < s.max(1) {
            break;
        }
        px -= s;
        at += 1;
    }
    (at, px)
}

pub(super) fn vml_xml(sheet: &Sheet, notes: &[(CellPos, String)], block: u32) -> String {
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
         xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\">\
         <o:idmap v:ext=\"edit\" data=\"{}\"/></o:shapelayout>{}</xml>",
        vml_blocks(block, notes.len()).0,
        vml_shapes(sheet, notes, block, "_x0000_t202")
    )
}

/// A note shape type (named `type_id`) and one hidden note shape per note.
fn vml_shapes(sheet: &Sheet, notes: &[(CellPos, String)], block: u32, type_id: &str) -> String {
    let mut out = format!(
        "<v:shapetype id=\"{type_id}\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\">\
         <v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"
    );
    let cols = |c: u32| col_px(sheet, c);
    let rows = |r: u32| row_px(sheet, r);
    for (k, (pos, text)) in notes.iter().enumerate() {
        let (width, height) = note_size(text);
        // Like Excel: one column right of the cell, starting a row above it.
        let (col, x) = ((pos.col + 1).min(16_383), 15);
        let (row, y) = (pos.row.saturating_sub(1), 10);
        let left: u32 = (0..col).map(cols).sum::<u32>() + x;
        let top: u32 = (0..row).map(rows).sum::<u32>() + y;
        let (end_col, end_x) = walk(col, x + width, cols, 16_383);
        let (end_row, end_y) = walk(row, y + height, rows, 1_048_575);
        let _ = write!(
            out,
            "<v:shape id=\"_x0000_s{id}\" type=\"#{type_id}\" style=\"position:absolute;margin-left:{ml}pt;\
             margin-top:{mt}pt;width:{w}pt;height:{h}pt;z-index:{z};visibility:hidden\" fillcolor=\"#ffffe1\" \
             o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>\
             <v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div>\
             </v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/>\
             <x:Anchor>{col}, {x}, {row}, {y}, {end_col}, {end_x}, {end_row}, {end_y}</x:Anchor>\
             <x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>",
            id = block as u64 * 1024 + 1 + k as u64,
            ml = left as f64 * 0.75,
            mt = top as f64 * 0.75,
            w = width as f64 * 0.75,
            h = height as f64 * 0.75,
            z = k + 1,
            r = pos.row,
            c = pos.col,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_take_as_many_id_blocks_as_they_need() {
        assert_eq!(vml_blocks(1, 0), ("1".to_string(), 2));
        assert_eq!(vml_blocks(1, 1023), ("1".to_string(), 2));
        assert_eq!(vml_blocks(3, 1024), ("3,4".to_string(), 5));
        let sheet = Sheet::default();
        let notes: Vec<(CellPos, String)> = (0..1100)
            .map(|r| (CellPos::new(r, 0), "x".to_string()))
            .collect();
        let vml = vml_xml(&sheet, &notes, 1);
        assert!(vml.contains(r#"data="1,2""#));
        // The last shape's id lies in the second block.
        assert!(vml.contains(&format!("_x0000_s{}\"", 1024 + 1100)));
    }
}
