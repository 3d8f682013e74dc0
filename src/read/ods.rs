//! ods: a sparse reader of `content.xml`.
//!
//! calamine 0.38 turns each table into dense ranges, expanding repeated rows and
//! columns into cells (up to 100 million of them, gigabytes), copies a repeated
//! cell's text once per repeat, pushes `text:c` spaces one by one for any count,
//! and loops forever on some truncated files. This reader keeps only cells with a
//! value or formula, at their absolute positions, and counts every cell and byte of
//! text it keeps against the workbook's [`Budget`].
//!
//! Values follow calamine's ods reader (which the `.ods` fixtures were checked
//! with): the first of `office:value` / `office:string-value` / `office:date-value` /
//! `office:time-value` / `office:boolean-value` gives the value; a string cell
//! without `office:string-value`, or an error cell with an empty one, takes its
//! text from the paragraphs; `table:formula` is kept as written. Rows and columns
//! past 1,048,576 × 16,384 are dropped, as calamine drops them.

use std::io::{BufReader, Cursor};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;
use zip::ZipArchive;

use super::{Budget, OdsError, ReadError};
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::model::{Cell, CellPos, CellValue, FileKind, Sheet, Workbook};

const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

type Xml<'a> = XmlReader<BufReader<zip::read::ZipFile<'a, Cursor<Vec<u8>>>>>;

pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<Workbook, ReadError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(OdsError::from)?;
    let content = zip.by_name("content.xml").map_err(|e| match e {
        zip::result::ZipError::FileNotFound => OdsError::Content(ErrMsg::NoContentXml.into()),
        e => OdsError::from(e),
    })?;
    let mut xml = XmlReader::from_reader(BufReader::new(content));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;

    let mut budget = Budget::default();
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(OdsError::from)? {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let Some(name) = attr(&e, "table:name")? else {
                    continue;
                };
                let name = decode(name)?;
                budget.text(name.len())?;
                let sheet = read_table(&mut xml, name, &mut budget)?;
                // calamine keeps the last table of a name.
                match index.get(&sheet.name) {
                    Some(&i) => sheets[i] = sheet,
                    None if sheets.len() == super::MAX_SHEETS => {
                        return Err(ReadError::TooManySheets(sheets.len() + 1));
                    }
                    None => {
                        index.insert(sheet.name.clone(), sheets.len());
                        sheets.push(sheet);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Workbook {
        path: path.to_path_buf(),
        kind: FileKind::Ods,
        sheets,
        styles: vec![calamine::Style::default()],
        package: None,
    })
}

/// The reader's own words about what is wrong.
fn content(text: impl Into<Message>) -> ReadError {
    ReadError::Ods(OdsError::Content(text.into()))
}

fn eof(what: &str) -> ReadError {
    content(msg!(ErrMsg::OdsEof, what))
}

/// A raw attribute value by exact name, as calamine reads it.
fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Result<Option<&'a str>, ReadError> {
    for item in crate::ooxml::raw_attrs(e.attributes_raw()) {
        let (key, value) = item.map_err(|()| content(ErrMsg::OdsAttribute))?;
        if key == name {
            return Ok(Some(&e.attributes_raw()[value]));
        }
    }
    Ok(None)
}

fn decode(raw: &str) -> Result<String, ReadError> {
    quick_xml::escape::unescape(raw)
        .map(|s| s.into_owned())
        .map_err(|e| OdsError::from(e).into())
}

fn count(raw: Option<&str>) -> Result<u64, ReadError> {
    match raw {
        None => Ok(1),
        Some(v) => decode(v)?.parse::<u64>().map_err(|_| {
            content(msg!(
                ErrMsg::OdsRepeat,
                v.chars().take(20).collect::<String>()
            ))
        }),
    }
}

fn read_table(xml: &mut Xml<'_>, name: String, budget: &mut Budget) -> Result<Sheet, ReadError> {
    let mut sheet = Sheet {
        name,
        ..Sheet::default()
    };
    let mut row: u64 = 0;
    let mut buf = Vec::with_capacity(1024);
    let mut cells: Vec<(u64, CellValue, Option<String>)> = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(OdsError::from)? {
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = count(attr(&e, "table:number-rows-repeated")?)?;
                let repeats = repeats.min(MAX_ROWS - row);
                cells.clear();
                read_row(xml, &mut cells, budget)?;
                let filled = if cells.is_empty() {
                    row..row
                } else {
                    row..row + repeats
                };
                for r in filled {
                    for (col, value, formula) in &cells {
                        // read_row counted the first copy.
                        if r > row {
                            budget.cell(value, formula.as_ref())?;
                        }
                        let cell = Cell {
                            value: value.clone(),
                            formula: formula.clone(),
                            style: 0,
                        };
                        sheet
                            .cells
                            .insert(CellPos::new(r as u32, *col as u32), cell);
                    }
                }
                row += repeats;
            }
            Event::End(e) if e.name().as_ref() == "table:table" => break,
            Event::Eof => return Err(eof("table:table")),
            _ => {}
        }
    }
    Ok(sheet)
}

/// The cells of one row with a value or formula, by column, each counted once.
fn read_row(
    xml: &mut Xml<'_>,
    cells: &mut Vec<(u64, CellValue, Option<String>)>,
    budget: &mut Budget,
) -> Result<(), ReadError> {
    let mut col: u64 = 0;
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(OdsError::from)? {
            Event::Start(e)
                if e.name().as_ref() == "table:table-cell"
                    || e.name().as_ref() == "table:covered-table-cell" =>
            {
                let repeats = count(attr(&e, "table:number-columns-repeated")?)?;
                let repeats = repeats.min(MAX_COLUMNS - col);
                let (value, formula) = read_cell(xml, &e, budget)?;
                if value != CellValue::Empty || formula.is_some() {
                    for c in col..col + repeats {
                        budget.cell(&value, formula.as_ref())?;
                        cells.push((c, value.clone(), formula.clone()));
                    }
                }
                col += repeats;
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(()),
            Event::Eof => return Err(eof("table:table-row")),
            _ => {}
        }
    }
}

/// One cell's value and formula; reads to the end of the cell element.
fn read_cell(
    xml: &mut Xml<'_>,
    e: &BytesStart<'_>,
    budget: &mut Budget,
) -> Result<(CellValue, Option<String>), ReadError> {
    let mut value = CellValue::Empty;
    let mut is_value_set = false;
    let mut is_string = false;
    let mut is_error = false;
    let mut formula = String::new();
    let raw = e.attributes_raw();
    for item in crate::ooxml::raw_attrs(raw) {
        let (key, span) = item.map_err(|()| content(ErrMsg::OdsAttribute))?;
        let v = &raw[span];
        match key {
            "office:value" if !is_value_set => {
                let n: f64 = v.parse().map_err(|_| {
                    content(msg!(
                        ErrMsg::OdsValue,
                        v.chars().take(20).collect::<String>()
                    ))
                })?;
                value = CellValue::Number(n);
                is_value_set = true;
            }
            "office:string-value" | "office:date-value" | "office:time-value" if !is_value_set => {
                value = CellValue::Text(decode(v)?);
                is_value_set = true;
            }
            "office:boolean-value" if !is_value_set => {
                value = CellValue::Bool(v == "TRUE" || v == "true");
                is_value_set = true;
            }
            "office:value-type" if !is_value_set => is_string = v == "string",
            "calcext:value-type" => is_error = v == "error",
            "table:formula" => formula = decode(v)?,
            _ => {}
        }
    }
    let formula = (!formula.is_empty()).then_some(formula);
    let name = e.name().as_ref().to_owned();
    let wants_text = (!is_value_set && is_string)
        || (is_error && matches!(&value, CellValue::Text(s) if s.is_empty()));
    if !wants_text {
        skip_to_end(xml, &name)?;
        return Ok((value, formula));
    }
    let text = read_text(xml, &name, budget)?;
    Ok((CellValue::Text(text), formula))
}

/// The text of the paragraphs of the cell element `name`, up to its end.
fn read_text(xml: &mut Xml<'_>, name: &str, budget: &Budget) -> Result<String, ReadError> {
    let mut text = String::new();
    let mut first_paragraph = true;
    let mut buf = Vec::with_capacity(256);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(OdsError::from)? {
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(s) = quick_xml::escape::resolve_xml_entity(&r[..]) {
                    text.push_str(s);
                } else if let Some(c) = r.resolve_char_ref().map_err(OdsError::from)? {
                    text.push(c);
                } else {
                    return Err(content(msg!(
                        ErrMsg::OdsEntity,
                        r.chars().take(20).collect::<String>()
                    )));
                }
            }
            Event::End(end) if end.name().as_ref() == name => break,
            Event::Start(s) if s.name().as_ref() == "office:annotation" => {
                skip_to_end(xml, "office:annotation")?;
            }
            Event::Start(s) if s.name().as_ref() == "text:p" => {
                if first_paragraph {
                    first_paragraph = false;
                } else {
                    text.push('\n');
                }
            }
            Event::Start(s) if s.name().as_ref() == "text:s" => {
                let n = count(attr(&s, "text:c")?)?;
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                if n > budget.room().saturating_sub(text.len()) {
                    return Err(ReadError::TooMuchText);
                }
                text.extend(std::iter::repeat_n(' ', n));
            }
            Event::Start(s) if s.name().as_ref() == "text:tab" => text.push('\t'),
            Event::Start(s) if s.name().as_ref() == "text:line-break" => text.push('\n'),
            Event::Eof => return Err(eof("table:table-cell")),
            _ => {}
        }
        if text.len() > budget.room() {
            return Err(ReadError::TooMuchText);
        }
    }
    Ok(text)
}

/// Reads past the end of the element `name` just started (nested ones of the same name included).
fn skip_to_end(xml: &mut Xml<'_>, name: &str) -> Result<(), ReadError> {
    let mut depth = 0usize;
    let mut buf = Vec::with_capacity(256);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(OdsError::from)? {
            Event::Start(e) if e.name().as_ref() == name => depth += 1,
            Event::End(e) if e.name().as_ref() == name => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            Event::Eof => return Err(eof(name)),
            _ => {}
        }
    }
}
