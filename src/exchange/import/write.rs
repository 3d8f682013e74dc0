//! One record as the family's standard workbook: the blank of `jixiao template` drawn with the
//! record's rows (专项 rows, 绩效指标), located as `check` locates it, and every figure written
//! into the cell its field was found in, in the number format the data shows.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Column, ImportError, ImportOptions, Place, Record};
use crate::exchange::export::xlsx::{number, number_format};
use crate::extract::value::{read_cell, Reading};
use crate::i18n::errors::{os_error, ErrMsg};
use crate::i18n::{msg, Message};
use crate::model::files::{self, Existing, TempFile};
use crate::model::{CellPos, CellValue, FieldKey, Kind, SheetId};
use crate::template::blank::{self, BlankOptions, Filled, FilledCell};
use crate::template::Template;

/// A record checked and ready to be drawn.
pub(super) struct Plan {
    template: &'static Template,
    blank: BlankOptions,
    fields: Vec<(FieldKey, Filled)>,
    indicators: Vec<[Option<Filled>; 5]>,
    name: String,
    place: Place,
}

/// The format code a blank cell of `kind` has in the blank.
fn default_format(kind: Kind) -> &'static str {
    match kind {
        Kind::Rate => "0.00%",
        Kind::Count => "0",
        _ => "0.00",
    }
}

/// What to write for a value: a number in the format its shown text has (General when it shows
/// the number as stored, as an unformatted cell does; read as `check` reads a typed value when
/// there is no shown text), nothing for a blank, the text of a cell the data says was flagged
/// as filed; None for any other text.
fn to_filled(
    value: Option<&str>,
    shown: Option<&str>,
    kind: Kind,
    flagged: bool,
) -> Option<Filled> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Some(Filled::Blank {
            format: default_format(kind).into(),
        });
    };
    if let (Some(n), Some(shown)) = (number(v), shown.filter(|s| !s.is_empty())) {
        if number(shown.trim_end_matches('%')).is_some() {
            let format = if shown == v {
                "General".to_string()
            } else {
                number_format(shown)
            };
            return Some(Filled::Number { value: n, format });
        }
    }
    match read_cell(&CellValue::Text(v.to_string()), None, kind) {
        Reading::Quantity { cmp: None, num } => Some(Filled::Number {
            value: number(&num.value.to_string())?,
            format: number_format(&num.format_like(num.value)),
        }),
        Reading::Blank => Some(Filled::Blank {
            format: default_format(kind).into(),
        }),
        _ if flagged => Some(Filled::Text(v.to_string())),
        _ => None,
    }
}

fn text(value: &Option<String>) -> Option<Filled> {
    value
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| Filled::Text(t.to_string()))
}

/// Checks a record against its family's fields: the plan to draw it, or what is wrong.
pub(super) fn plan(record: &Record, opts: &ImportOptions) -> Result<Plan, Vec<ImportError>> {
    let d = &record.data;
    let built_in = Template::built_in_ref();
    let family = d.family.as_deref().or(opts.family.as_deref());
    let template = match family {
        None => &built_in[0],
        Some(f) => built_in.iter().find(|t| t.family == f).ok_or_else(|| {
            vec![ImportError::UnknownFamily {
                place: record.place.clone(),
                family: f.to_string(),
            }]
        })?,
    };
    let infos = template.field_infos();
    let mut errors = Vec::new();
    let mut fields = Vec::new();
    let mut repeat_rows: Option<u32> = None;
    for (key, f) in &d.fields {
        let place = record.fields.get(key).unwrap_or(&record.place).clone();
        let parsed = FieldKey::parse(key);
        let base = match parsed.split_column() {
            Some((row, column)) => row.repeated().with_column(column).to_string(),
            None => parsed.to_string(),
        };
        let info = infos.iter().find(|i| i.key == base);
        let key = match info {
            Some(i) if i.repeat => {
                let n = parsed.instance.unwrap_or(0);
                repeat_rows = Some(repeat_rows.unwrap_or(1).max(u32::from(n) + 1));
                FieldKey {
                    instance: Some(n),
                    ..parsed
                }
            }
            Some(_) if parsed.instance.is_none() => parsed,
            _ => {
                errors.push(ImportError::UnknownField {
                    place,
                    field: key.clone(),
                });
                continue;
            }
        };
        let kind = info.map_or(Kind::Amount, |i| i.kind);
        let flagged = f.finding.is_some();
        match to_filled(f.value.as_deref(), f.shown.as_deref(), kind, flagged) {
            Some(filled) => fields.push((key, filled)),
            None => errors.push(ImportError::NotANumber {
                place,
                value: f.value.clone().unwrap_or_default(),
                what: ErrMsg::ANumber,
            }),
        }
    }
    let mut indicators = Vec::new();
    for (i, ind) in d.indicators.iter().enumerate() {
        let mut number_of = |v: &Option<String>| {
            let filled = to_filled(
                v.as_deref(),
                v.as_deref(),
                Kind::Score,
                ind.finding.is_some(),
            );
            if filled.is_none() {
                let mut place = record.place.clone();
                place.column = Some(Column::Described(msg!(ErrMsg::IndicatorScore, i + 1)));
                errors.push(ImportError::NotANumber {
                    place,
                    value: v.clone().unwrap_or_default(),
                    what: ErrMsg::ANumber,
                });
            }
            filled
        };
        let points = number_of(&ind.points);
        let score = number_of(&ind.score);
        indicators.push([
            text(&ind.target),
            text(&ind.actual),
            points,
            score,
            text(&ind.reason),
        ]);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let blank = BlankOptions {
        year: d.year.or(opts.year),
        dept: d.department.clone(),
        repeat_rows,
        indicators: Some(
            d.indicators
                .iter()
                .map(|i| [i.level1.clone(), i.level2.clone(), i.name.clone()])
                .collect(),
        ),
        total_row: Some(d.fields.keys().any(|k| k.starts_with("total."))),
        cells: Vec::new(),
    };
    Ok(Plan {
        template,
        blank,
        fields,
        indicators,
        name: file_name(record),
        place: record.place.clone(),
    })
}

/// The workbook's file name: the department, else the stem of the path it was exported from.
fn file_name(record: &Record) -> String {
    let stem = record
        .data
        .department
        .clone()
        .filter(|d| !d.trim().is_empty())
        .or_else(|| {
            Path::new(&record.data.path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("第{}行", record.place.row));
    let safe: String = stem
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.').to_string();
    format!("{safe}.xlsx")
}

/// The workbook of a plan, as .xlsx bytes.
fn build(plan: &Plan) -> Result<Vec<u8>, Message> {
    // First drawn with placeholders for the names, so that every 绩效指标 row is located.
    let mut structure = plan.blank.clone();
    if let Some(rows) = &mut structure.indicators {
        for (i, row) in rows.iter_mut().enumerate() {
            row[2] = format!("第{}项", i + 1);
        }
    }
    let bytes = blank::to_bytes(plan.template, &structure).map_err(|e| e.to_string())?;
    let container = crate::read::sniff::sniff_bytes(bytes).map_err(|e| e.to_string())?;
    let wb =
        crate::read::read_container(Path::new(&plan.name), container).map_err(|e| e.to_string())?;
    let (_, layout) = crate::locate::locate(&wb, plan.template).map_err(|e| e.to_string())?;
    let at = |sheet: SheetId, pos: CellPos, content: Filled| FilledCell {
        sheet: sheet.index(),
        row: pos.row,
        col: pos.col,
        content,
    };
    let mut cells = Vec::new();
    for (key, filled) in &plan.fields {
        let cell = layout
            .fields
            .get(*key)
            .ok_or_else(|| msg!(ErrMsg::BlankNoField, key.to_string()))?;
        cells.push(at(cell.sheet, cell.pos, filled.clone()));
    }
    if layout.indicators.len() != plan.indicators.len() {
        return Err(msg!(
            ErrMsg::BlankIndicators,
            layout.indicators.len(),
            plan.indicators.len()
        ));
    }
    for (row, values) in layout.indicators.iter().zip(&plan.indicators) {
        let places = [
            Some(row.target),
            Some(row.actual),
            Some(row.points),
            Some(row.score),
            row.reason,
        ];
        for (pos, value) in places.into_iter().zip(values) {
            if let (Some(pos), Some(v)) = (pos, value) {
                cells.push(at(row.sheet, pos, v.clone()));
            }
        }
    }
    let mut filled = plan.blank.clone();
    filled.cells = cells;
    blank::to_bytes(plan.template, &filled).map_err(|e| e.message())
}

/// Writes every plan into `opts.out`, each as a new file; what was written, or the errors.
pub(super) fn write_all(
    plans: Vec<Plan>,
    opts: &ImportOptions,
) -> Result<Vec<PathBuf>, Vec<ImportError>> {
    let dir = &opts.out;
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Err(vec![ImportError::Write {
            path: dir.display().to_string(),
            reason: os_error(&e),
        }]);
    }
    let mut names = HashSet::new();
    let mut errors = Vec::new();
    let mut written = Vec::new();
    for plan in plans {
        let mut name = plan.name.clone();
        let mut n = 1;
        while !names.insert(name.clone()) {
            n += 1;
            name = format!("{}-{n}.xlsx", plan.name.trim_end_matches(".xlsx"));
        }
        let dest = dir.join(&name);
        match write_one(&plan, &dest) {
            Ok(()) => written.push(dest),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(written)
    } else {
        Err(errors)
    }
}

fn write_one(plan: &Plan, dest: &Path) -> Result<(), ImportError> {
    let shown = dest.display().to_string();
    let fail = |reason: Message| ImportError::Write {
        path: shown.clone(),
        reason,
    };
    let exists = |d: &Path| match files::existing(d) {
        Ok(Existing::Nothing | Existing::Empty) => Ok(()),
        Ok(Existing::File) => Err(ImportError::Exists(shown.clone())),
        Err(e) => Err(fail(os_error(&e))),
    };
    exists(dest)?;
    let bytes = build(plan).map_err(|e| fail(msg!(ErrMsg::AtPlace, plan.place.message(), e)))?;
    let mut tmp = TempFile::beside(dest).map_err(|e| fail(os_error(&e)))?;
    tmp.file()
        .write_all(&bytes)
        .map_err(|e| fail(os_error(&e)))?;
    // Someone may have put a file there meanwhile: it stays.
    exists(dest)?;
    tmp.persist().map_err(|e| fail(os_error(&e)))
}
