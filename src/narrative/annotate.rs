//! The annotated report (`报告.checked.docx`): the original package with each finding as a Word
//! comment on its sentence and the figure highlighted. Every other part is copied as it is
//! (raw, not even recompressed); in `document.xml` only the runs that hold a marked sentence
//! change. Written to a temporary file beside the destination and renamed into place; an
//! existing file is replaced only when jixiao wrote it (or with `force`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::i18n::errors::ErrMsg;
use crate::i18n::narrative::DocMsg;
use crate::i18n::{msg, Lang};
use crate::model::files::{self, Existing, TempFile};
use crate::model::{Finding, TextPlace};
use crate::narrative::docx::{self, Paragraph, Run, DOCUMENT_PART};
use crate::narrative::DocError;

/// The author of jixiao's comments; a `.checked.docx` whose comments carry it is jixiao's own.
const AUTHOR: &str = "jixiao";
const COMMENTS_PART: &str = "word/comments.xml";
const RELS_PART: &str = "word/_rels/document.xml.rels";
const TYPES_PART: &str = "[Content_Types].xml";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// Largest part other than document.xml that is read to be edited.
const MAX_SMALL_PART: u64 = 16 << 20;

/// Where the annotated copy of `input` goes.
pub fn output_path(input: &Path, out_dir: Option<&Path>) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "报告".into());
    let name = format!("{stem}.checked.docx");
    match (out_dir, input.parent()) {
        (Some(dir), _) => dir.join(name),
        (None, Some(p)) => p.join(name),
        (None, None) => PathBuf::from(name),
    }
}

/// Writes the annotated copy of the .docx at `input` with the `findings` that have a place in
/// its text, commented in `lang`; returns its path, or None when no finding has one (nothing
/// to mark).
pub fn write_annotated(
    input: &Path,
    findings: &[Finding],
    out_dir: Option<&Path>,
    force: bool,
    lang: Lang,
) -> Result<Option<PathBuf>, DocError> {
    let marked: Vec<(&Finding, &TextPlace)> = findings
        .iter()
        .filter_map(|f| f.text.as_ref().map(|t| (f, t)))
        .collect();
    if marked.is_empty() {
        return Ok(None);
    }
    let dest = output_path(input, out_dir);
    check_destination(input, &dest, force)?;
    let bytes = fs::read(input).map_err(|e| DocError::unreadable_file(&e))?;
    let package = annotate_package(&bytes, &marked, lang)?;
    write_atomically(&dest, &package)?;
    Ok(Some(dest))
}

/// The package with the comments added, in `lang`.
pub fn annotate_package(
    bytes: &[u8],
    marked: &[(&Finding, &TextPlace)],
    lang: Lang,
) -> Result<Vec<u8>, DocError> {
    let xml = docx::document_xml(Cursor::new(bytes))?;
    let paragraphs = docx::scan(&xml)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    let existing = small_part(&mut zip, COMMENTS_PART)?;
    let first_id = next_id(&xml).max(existing.as_deref().map_or(0, next_id));
    let mut comments = String::new();
    let mut by_para: BTreeMap<usize, Vec<Mark>> = BTreeMap::new();
    for (k, (finding, place)) in marked.iter().enumerate() {
        let id = first_id + k as u64;
        comments.push_str(&comment_xml(id, finding, lang));
        let Some(p) = place
            .paragraph
            .checked_sub(1)
            .filter(|p| *p < paragraphs.len())
        else {
            continue;
        };
        by_para.entry(p).or_default().push(Mark {
            id,
            sentence: place.sentence.clone(),
            figure: place.figure.clone(),
        });
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (p, marks) in &by_para {
        edits.extend(paragraph_edits(&xml, &paragraphs[*p], marks));
    }
    let document = splice(&xml, &mut edits);
    let mut changed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    changed.insert(DOCUMENT_PART.into(), document);
    match existing {
        Some(old) => {
            let at = old.rfind("</w:comments>").ok_or_else(broken)?;
            changed.insert(
                COMMENTS_PART.into(),
                format!("{}{comments}{}", &old[..at], &old[at..]).into_bytes(),
            );
        }
        None => {
            let part = format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{}<w:comments xmlns:w="{W_NS}">{comments}</w:comments>"#,
                "\r\n"
            );
            changed.insert(COMMENTS_PART.into(), part.into_bytes());
            let rels = small_part(&mut zip, RELS_PART)?;
            changed.insert(
                RELS_PART.into(),
                with_relationship(rels.as_deref())?.into_bytes(),
            );
            let types = small_part(&mut zip, TYPES_PART)?.ok_or_else(broken)?;
            changed.insert(TYPES_PART.into(), with_override(&types)?.into_bytes());
        }
    }
    repack(&mut zip, changed)
}

struct Mark {
    id: u64,
    sentence: Range<usize>,
    figure: Range<usize>,
}

/// A piece of a run: its characters, and their text when the run is plain.
struct Piece {
    chars: Range<usize>,
    text: Option<String>,
}

/// The replacements of the runs of one paragraph that the marks touch.
fn paragraph_edits(xml: &[u8], para: &Paragraph, marks: &[Mark]) -> Vec<(Range<usize>, String)> {
    let cuts: Vec<usize> = marks
        .iter()
        .flat_map(|m| {
            [
                m.sentence.start,
                m.sentence.end,
                m.figure.start,
                m.figure.end,
            ]
        })
        .collect();
    let mut out = Vec::new();
    for run in &para.runs {
        let pieces = pieces_of(run, &cuts);
        let mut xml_out = String::new();
        let mut touched = pieces.len() > 1;
        for piece in &pieces {
            for m in marks {
                let first =
                    piece.chars.end > m.sentence.start && piece.chars.start <= m.sentence.start;
                if first {
                    xml_out.push_str(&format!(r#"<w:commentRangeStart w:id="{}"/>"#, m.id));
                    touched = true;
                }
            }
            let lit = marks
                .iter()
                .any(|m| piece.chars.start >= m.figure.start && piece.chars.end <= m.figure.end);
            touched |= lit && piece.text.is_some();
            xml_out.push_str(&piece_xml(xml, run, piece, lit));
            for m in marks {
                if piece.chars.start < m.sentence.end && piece.chars.end >= m.sentence.end {
                    xml_out.push_str(&format!(
                        r#"<w:commentRangeEnd w:id="{0}"/><w:r><w:commentReference w:id="{0}"/></w:r>"#,
                        m.id
                    ));
                    touched = true;
                }
            }
        }
        if touched {
            out.push((run.bytes.clone(), xml_out));
        }
    }
    out
}

/// A plain run cut at the marks' boundaries; any other run whole.
fn pieces_of(run: &Run, cuts: &[usize]) -> Vec<Piece> {
    let Some(text) = &run.plain else {
        return vec![Piece {
            chars: run.chars.clone(),
            text: None,
        }];
    };
    let mut points: Vec<usize> = cuts
        .iter()
        .copied()
        .filter(|c| *c > run.chars.start && *c < run.chars.end)
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut bounds = vec![run.chars.start];
    bounds.extend(points);
    bounds.push(run.chars.end);
    let chars: Vec<char> = text.chars().collect();
    bounds
        .windows(2)
        .map(|w| Piece {
            chars: w[0]..w[1],
            text: Some(
                chars[w[0] - run.chars.start..w[1] - run.chars.start]
                    .iter()
                    .collect(),
            ),
        })
        .collect()
}

fn piece_xml(xml: &[u8], run: &Run, piece: &Piece, lit: bool) -> String {
    let whole = || String::from_utf8_lossy(&xml[run.bytes.clone()]).into_owned();
    let Some(text) = &piece.text else {
        return whole();
    };
    if !lit && piece.chars == run.chars {
        return whole();
    }
    let start = String::from_utf8_lossy(&xml[run.start_tag.clone()]);
    let props = run
        .props
        .as_ref()
        .map(|r| String::from_utf8_lossy(&xml[r.clone()]).into_owned());
    let props = match (props, lit) {
        (Some(p), true) => highlighted(&p),
        (None, true) => r#"<w:rPr><w:highlight w:val="yellow"/></w:rPr>"#.to_string(),
        (p, false) => p.unwrap_or_default(),
    };
    format!(
        r#"{start}{props}<w:t xml:space="preserve">{}</w:t></w:r>"#,
        quick_xml::escape::escape(text.as_str())
    )
}

/// Run properties after which `w:highlight` must come (the order of CT_RPr).
const AFTER_HIGHLIGHT: &[&str] = &[
    "<w:u ",
    "<w:u>",
    "<w:u/",
    "<w:effect",
    "<w:bdr",
    "<w:shd",
    "<w:fitText",
    "<w:vertAlign",
    "<w:rtl",
    "<w:cs",
    "<w:em ",
    "<w:em/",
    "<w:lang",
    "<w:eastAsianLayout",
    "<w:specVanish",
    "<w:oMath",
    "<w:rPrChange",
    "</w:rPr>",
];

/// The run properties with a yellow highlight, in its place among them.
fn highlighted(props: &str) -> String {
    let mark = r#"<w:highlight w:val="yellow"/>"#;
    if let Some(start) = props.find("<w:highlight") {
        let end = props[start..]
            .find("/>")
            .map_or(props.len(), |e| start + e + 2);
        return format!("{}{mark}{}", &props[..start], &props[end..]);
    }
    if props.ends_with("/>") && !props.contains("</w:rPr>") {
        return format!("<w:rPr>{mark}</w:rPr>");
    }
    let at = AFTER_HIGHLIGHT
        .iter()
        .filter_map(|t| props.find(t))
        .min()
        .unwrap_or(props.len());
    format!("{}{mark}{}", &props[..at], &props[at..])
}

fn comment_xml(id: u64, f: &Finding, lang: Lang) -> String {
    let expected = super::to_write(f)
        .map(|e| msg!(DocMsg::ShouldRead, e).render(lang))
        .unwrap_or_default();
    let text = format!(
        "[{}] {} {}{expected}",
        f.severity.label(lang),
        f.check,
        f.message.render(lang)
    );
    format!(
        r#"<w:comment w:id="{id}" w:author="{AUTHOR}" w:initials="JX"><w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:comment>"#,
        quick_xml::escape::escape(text.as_str())
    )
}

/// One more than the largest `w:id` in the part (comment ids must not repeat).
fn next_id(xml: impl AsRef<[u8]>) -> u64 {
    let xml = xml.as_ref();
    let key = b"w:id=\"";
    memchr::memmem::find_iter(xml, key)
        .filter_map(|i| {
            let digits: Vec<u8> = xml[i + key.len()..]
                .iter()
                .copied()
                .take_while(u8::is_ascii_digit)
                .collect();
            std::str::from_utf8(&digits).ok()?.parse::<u64>().ok()
        })
        .max()
        .map_or(0, |m| m + 1)
}

fn splice(xml: &[u8], edits: &mut [(Range<usize>, String)]) -> Vec<u8> {
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = Vec::with_capacity(xml.len() + edits.len() * 200);
    let mut at = 0;
    for (range, text) in edits.iter() {
        out.extend_from_slice(&xml[at..range.start]);
        out.extend_from_slice(text.as_bytes());
        at = range.end;
    }
    out.extend_from_slice(&xml[at..]);
    out
}

fn with_relationship(rels: Option<&str>) -> Result<String, DocError> {
    let rels = rels.unwrap_or(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#,
    );
    let mut id = "rIdJixiaoComments".to_string();
    while rels.contains(&format!("\"{id}\"")) {
        id.push('1');
    }
    let rel = format!(r#"<Relationship Id="{id}" Type="{COMMENTS_REL}" Target="comments.xml"/>"#);
    let at = rels.rfind("</Relationships>").ok_or_else(broken)?;
    Ok(format!("{}{rel}{}", &rels[..at], &rels[at..]))
}

fn with_override(types: &str) -> Result<String, DocError> {
    let item =
        format!(r#"<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/>"#);
    let at = types.rfind("</Types>").ok_or_else(broken)?;
    Ok(format!("{}{item}{}", &types[..at], &types[at..]))
}

fn small_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, DocError> {
    let Ok(part) = zip.by_name(name) else {
        return Ok(None);
    };
    if part.size() > MAX_SMALL_PART {
        return Err(DocError::TooLarge);
    }
    let mut text = String::new();
    part.take(MAX_SMALL_PART)
        .read_to_string(&mut text)
        .map_err(|_| broken())?;
    Ok(Some(text))
}

/// The package again: the `changed` parts written anew, every other entry copied raw.
fn repack(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    mut changed: BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, DocError> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let fail = |_| cannot_write();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| broken())?;
        let name = entry.name().map_err(|_| broken())?.to_string();
        match changed.remove(&name) {
            Some(bytes) => {
                drop(entry);
                out.start_file(name, opts).map_err(fail)?;
                out.write_all(&bytes).map_err(|_| cannot_write())?;
            }
            None => out.raw_copy_file(entry).map_err(fail)?,
        }
    }
    for (name, bytes) in changed {
        out.start_file(name, opts).map_err(fail)?;
        out.write_all(&bytes).map_err(|_| cannot_write())?;
    }
    Ok(out.finish().map_err(fail)?.into_inner())
}

fn broken() -> DocError {
    DocError::Unreadable(DocMsg::BrokenPackage.into())
}

fn cannot_write() -> DocError {
    DocError::Io(DocMsg::CannotWriteCopy.into())
}

/// Whether `path` is an annotated report jixiao wrote: `.checked.docx` with jixiao's comments.
pub fn is_jixiao_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !name.ends_with(".checked.docx") {
        return false;
    }
    let mut bytes = Vec::new();
    let read = files::open_regular(path).and_then(|mut f| f.read_to_end(&mut bytes));
    if read.is_err() {
        return false;
    }
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes.as_slice())) else {
        return false;
    };
    matches!(small_part(&mut zip, COMMENTS_PART), Ok(Some(c)) if c.contains(&format!("w:author=\"{AUTHOR}\"")))
}

fn check_destination(input: &Path, dest: &Path, force: bool) -> Result<(), DocError> {
    if fs::symlink_metadata(dest).is_err() {
        return Ok(());
    }
    if let (Ok(a), Ok(b)) = (fs::canonicalize(input), fs::canonicalize(dest)) {
        if a == b {
            let dest = dest.display().to_string();
            return Err(DocError::Unreadable(msg!(DocMsg::SameAsInput, dest)));
        }
    }
    let shown = dest.display().to_string();
    let existing = files::existing(dest)
        .map_err(|e| DocError::Unreadable(msg!(ErrMsg::AtPlace, &shown, e.to_string())))?;
    if existing == Existing::File && !force && !is_jixiao_output(dest) {
        return Err(DocError::Unreadable(msg!(DocMsg::NotOurs, shown)));
    }
    Ok(())
}

fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<(), DocError> {
    let io = |e: std::io::Error| {
        DocError::Io(msg!(
            ErrMsg::AtPlace,
            dest.display().to_string(),
            e.to_string()
        ))
    };
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io)?;
    }
    let mut tmp = TempFile::beside(dest).map_err(io)?;
    tmp.file().write_all(bytes).map_err(io)?;
    tmp.persist().map_err(io)
}
