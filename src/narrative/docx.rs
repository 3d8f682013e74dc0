//! Reads a .docx: the paragraphs of `word/document.xml` (body and table cells, in order), with
//! the runs that hold their text, so that the annotated copy can mark them. Hostile input gets
//! one line: the file, its parts and its text are capped, a package that is an OLE file (an
//! encrypted .docx or a .doc) is named as such.

use std::io::{Read, Seek};
use std::ops::Range;

use quick_xml::events::Event;

use crate::i18n::narrative::DocMsg;
use crate::narrative::DocError;

/// The largest `word/document.xml` read, unpacked.
pub const MAX_PART_BYTES: u64 = 64 << 20;
/// An unpacked part larger than this many times its packed size is taken for a zip bomb.
const MAX_RATIO: u64 = 200;
const MAX_PARAGRAPHS: usize = 500_000;
const MAX_TEXT_BYTES: usize = 32 << 20;

pub const DOCUMENT_PART: &str = "word/document.xml";

/// A run of a paragraph, as bytes of `document.xml`.
#[derive(Debug, Clone)]
pub struct Run {
    /// The whole `<w:r>…</w:r>`.
    pub bytes: Range<usize>,
    /// Its start tag `<w:r …>`.
    pub start_tag: Range<usize>,
    /// Its `<w:rPr>…</w:rPr>`, if any.
    pub props: Option<Range<usize>>,
    /// Characters of the paragraph's text it holds.
    pub chars: Range<usize>,
    /// Its text when the run holds nothing else (one `<w:t>` and properties): such a run can be
    /// split around a figure.
    pub plain: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Paragraph {
    pub text: String,
    pub runs: Vec<Run>,
}

/// The paragraphs of `document.xml`, in document order.
pub fn scan(xml: &[u8]) -> Result<Vec<Paragraph>, DocError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    // Open paragraphs (a text box holds paragraphs inside a paragraph's run).
    let mut open: Vec<usize> = Vec::new();
    let mut run: Option<RunState> = None;
    let mut in_text = false;
    let mut text_bytes = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|_| broken())?;
        let after = reader.buffer_position() as usize;
        let para = open.last().copied();
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:p" => {
                if paragraphs.len() >= MAX_PARAGRAPHS {
                    return Err(DocError::TooLarge);
                }
                paragraphs.push(Paragraph::default());
                if xml[before..after].ends_with(b"/>") {
                    continue;
                }
                open.push(paragraphs.len() - 1);
            }
            Event::End(e) if e.name().as_ref() == "w:p" => {
                open.pop();
            }
            Event::Start(e) if e.name().as_ref() == "w:r" && run.is_none() => {
                if let Some(p) = para {
                    let at = paragraphs[p].text.chars().count();
                    run = Some(RunState::new(p, before..after, at));
                }
            }
            Event::End(e) if e.name().as_ref() == "w:r" => {
                if let Some(r) = run.as_mut().filter(|r| r.inner_runs > 0) {
                    r.inner_runs -= 1;
                } else if let Some(r) = run.take() {
                    let p = &mut paragraphs[r.para];
                    let end = p.text.chars().count();
                    p.runs.push(r.finish(after, end));
                }
            }
            Event::Start(e) if e.name().as_ref() == "w:rPr" => {
                if let Some(r) = run.as_mut() {
                    r.props_start = Some(before);
                    r.in_props = true;
                }
            }
            Event::End(e) if e.name().as_ref() == "w:rPr" => {
                if let Some(r) = run.as_mut() {
                    r.props = r.props_start.map(|s| s..after);
                    r.in_props = false;
                }
            }
            Event::Empty(e) if e.name().as_ref() == "w:rPr" => {
                if let Some(r) = run.as_mut() {
                    r.props = Some(before..after);
                }
            }
            Event::Start(e) if e.name().as_ref() == "w:t" => {
                in_text = true;
                if let Some(r) = run.as_mut() {
                    r.texts += 1;
                }
            }
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::Text(t) if in_text => {
                let s = t.xml10_content();
                text_bytes += s.len();
                push_text(&mut paragraphs, para, run.as_mut(), &s);
            }
            Event::GeneralRef(r) if in_text => {
                let s = match quick_xml::escape::resolve_xml_entity(&r[..]) {
                    Some(s) => s.to_string(),
                    None => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .ok_or_else(broken)?
                        .to_string(),
                };
                push_text(&mut paragraphs, para, run.as_mut(), &s);
            }
            Event::Empty(e) | Event::Start(e) => {
                let name = e.name();
                let shown = match name.as_ref() {
                    "w:tab" => Some("\t"),
                    "w:br" | "w:cr" => Some("\n"),
                    _ => None,
                };
                if let Some(r) = run.as_mut().filter(|r| !r.in_props) {
                    r.other = true;
                    if name.as_ref() == "w:r"
                        && xml[before..after].ends_with(b">")
                        && !xml[before..after].ends_with(b"/>")
                    {
                        r.inner_runs += 1;
                    }
                }
                if let Some(s) = shown {
                    push_text(&mut paragraphs, para, run.as_mut(), s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if text_bytes > MAX_TEXT_BYTES {
            return Err(DocError::TooLarge);
        }
    }
    Ok(paragraphs)
}

fn push_text(
    paragraphs: &mut [Paragraph],
    para: Option<usize>,
    run: Option<&mut RunState>,
    s: &str,
) {
    if let Some(p) = para {
        paragraphs[p].text.push_str(s);
    }
    if let Some(r) = run {
        r.text.push_str(s);
    }
}

fn broken() -> DocError {
    DocError::Unreadable(DocMsg::BrokenContent.into())
}

struct RunState {
    para: usize,
    start_tag: Range<usize>,
    chars_start: usize,
    props_start: Option<usize>,
    props: Option<Range<usize>>,
    in_props: bool,
    inner_runs: usize,
    texts: usize,
    /// Holds something besides properties and text (a tab, a field, a picture…); elements
    /// inside the properties (w:b, w:sz…) do not count.
    other: bool,
    text: String,
}

impl RunState {
    fn new(para: usize, start_tag: Range<usize>, chars_start: usize) -> Self {
        RunState {
            para,
            start_tag,
            chars_start,
            props_start: None,
            props: None,
            in_props: false,
            inner_runs: 0,
            texts: 0,
            other: false,
            text: String::new(),
        }
    }

    fn finish(self, end: usize, chars_end: usize) -> Run {
        let plain = (self.texts == 1 && !self.other).then_some(self.text);
        Run {
            bytes: self.start_tag.start..end,
            start_tag: self.start_tag,
            props: self.props,
            chars: self.chars_start..chars_end,
            plain,
        }
    }
}

/// Reads `word/document.xml` out of a .docx package, within the caps.
pub fn document_xml<R: Read + Seek>(reader: R) -> Result<Vec<u8>, DocError> {
    let mut zip =
        zip::ZipArchive::new(reader).map_err(|_| DocError::Unreadable(DocMsg::NotZip.into()))?;
    let part = zip
        .by_name(DOCUMENT_PART)
        .map_err(|_| DocError::Unreadable(DocMsg::NoDocumentPart.into()))?;
    let (size, packed) = (part.size(), part.compressed_size().max(1));
    if size > MAX_PART_BYTES || (size > 1 << 20 && size / packed > MAX_RATIO) {
        return Err(DocError::TooLarge);
    }
    let mut xml = Vec::with_capacity(size as usize);
    part.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|_| DocError::Unreadable(DocMsg::CannotUnpack.into()))?;
    if xml.len() as u64 > MAX_PART_BYTES {
        return Err(DocError::TooLarge);
    }
    Ok(xml)
}
