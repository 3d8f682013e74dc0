//! An OOXML package: its parts by name, their relationships, the workbook's sheets.

use std::io::{Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::ZipArchive;

use super::attr;

/// Largest workbook/rels part [`read_small`] reads (uncompressed bytes).
pub const MAX_SMALL_PART: u64 = 8 * 1024 * 1024;
/// [`sheets_of_workbook`] stops after listing more sheets than this.
pub const MAX_LISTED_SHEETS: usize = 1024;
/// [`relationships`] stops after listing more than this many.
const MAX_RELATIONSHIPS: usize = 100_000;

/// Reads a small part whole, or None when it is missing, too large or unreadable.
pub fn read_small<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    read_part(zip, name, MAX_SMALL_PART)
}

/// Reads part `name` whole when it inflates to at most `max` bytes.
pub fn read_part<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str, max: u64) -> Option<Vec<u8>> {
    let file = zip.by_name(name).ok()?;
    let mut out = Vec::with_capacity(file.size().min(max) as usize);
    file.take(max + 1).read_to_end(&mut out).ok()?;
    if out.len() as u64 > max {
        return None;
    }
    Some(out)
}

/// `(folder, file)` of a part name.
pub fn split_part(part: &str) -> (&str, &str) {
    match part.rfind('/') {
        Some(i) => (&part[..i], &part[i + 1..]),
        None => ("", part),
    }
}

/// The relationships part of the part `file` in folder `dir`.
pub fn rels_part_of(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    }
}

/// The workbook part the package relationships (`_rels/.rels`) point at.
pub fn workbook_target(root_rels: &[(String, String, String)]) -> Option<String> {
    root_rels
        .iter()
        .find(|(_, typ, _)| typ.ends_with("/officeDocument"))
        .map(|(_, _, target)| resolve("", target))
}

/// Resolves a relationship target against the folder of the part that owns the rels.
pub fn resolve(base_dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    let joined;
    let path = if let Some(abs) = target.strip_prefix('/') {
        abs
    } else {
        joined = if base_dir.is_empty() {
            target.clone()
        } else {
            format!("{base_dir}/{target}")
        };
        joined.as_str()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// (Id, Type, Target) of every `<Relationship>`.
pub fn relationships(xml: &[u8]) -> Vec<(String, String, String)> {
    elements(xml, "Relationship", MAX_RELATIONSHIPS, |e| {
        Some((attr(e, "Id")?, attr(e, "Type")?, attr(e, "Target")?))
    })
}

/// (name, r:id) of every `<sheet>` in workbook.xml.
pub fn sheets_of_workbook(xml: &[u8]) -> Vec<(String, String)> {
    elements(xml, "sheet", MAX_LISTED_SHEETS, |e| {
        Some((attr(e, "name")?, attr(e, "id")?))
    })
}

/// `pick` of every element called `name` (any prefix) that it takes, up to the first XML
/// error; stops once more than `most` are taken.
fn elements<T>(
    xml: &[u8],
    name: &str,
    most: usize,
    pick: impl Fn(&BytesStart<'_>) -> Option<T>,
) -> Vec<T> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == name => {
                out.extend(pick(&e));
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
        if out.len() > most {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relationship_targets() {
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl", "../xl/./worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("xl", "../../../../x"), "x");
    }

    #[test]
    fn parts_split_into_folder_and_file() {
        assert_eq!(split_part("xl/workbook.xml"), ("xl", "workbook.xml"));
        assert_eq!(split_part("workbook.xml"), ("", "workbook.xml"));
        assert_eq!(
            rels_part_of("xl", "workbook.xml"),
            "xl/_rels/workbook.xml.rels"
        );
        assert_eq!(rels_part_of("", "book.xml"), "_rels/book.xml.rels");
    }
}
