//! `jixiao import`: records read from data files ([`read`]), joined by workbook, checked
//! against the family's fields, and each written as the family's standard workbook
//! ([`write`]). Nothing is written when any record is wrong; every file is created new.

mod read;
mod write;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use indexmap::IndexMap;

use crate::exchange::WorkbookData;
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The folder the workbooks go to.
    pub out: PathBuf,
    /// The built-in family for records that name none (default: the first built-in).
    pub family: Option<String>,
    /// The year for records that name none.
    pub year: Option<u32>,
}

/// Where something was read: a row (and column) of a table, or a workbook (and field) of a
/// JSON file.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub file: String,
    /// 1-based: the line of a table, the workbook of a JSON file.
    pub row: usize,
    pub column: Option<Column>,
    pub json: bool,
}

/// A column of a table or a field of a JSON record.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// By its name: a table's header, a JSON field.
    Named(String),
    /// A cell described: 第 2 列, B（部门）, an indicator's score.
    Described(Message),
}

impl Place {
    fn json(file: &str, n: usize, field: Option<&str>) -> Place {
        Place {
            file: file.to_string(),
            row: n,
            column: field.map(|f| Column::Named(f.to_string())),
            json: true,
        }
    }

    fn row(file: &str, line: usize, column: Option<&str>) -> Place {
        Place {
            file: file.to_string(),
            row: line,
            column: column.map(|c| Column::Named(c.to_string())),
            json: false,
        }
    }

    /// Where it is, in words.
    pub fn message(&self) -> Message {
        let (file, row) = (&self.file, self.row);
        match (self.json, &self.column) {
            (true, Some(Column::Named(c))) => msg!(ErrMsg::PlaceJsonField, file, row, c),
            (true, Some(Column::Described(c))) => msg!(ErrMsg::PlaceJsonField, file, row, c),
            (true, None) => msg!(ErrMsg::PlaceJson, file, row),
            (false, Some(Column::Described(c))) => msg!(ErrMsg::PlaceRowCell, file, row, c),
            // A header that reads as a place itself is not quoted as a column's name.
            (false, Some(Column::Named(c))) if c.starts_with('第') || c.contains('（') => {
                msg!(ErrMsg::PlaceRowCell, file, row, c)
            }
            (false, Some(Column::Named(c))) => msg!(ErrMsg::PlaceRowColumn, file, row, c),
            (false, None) => msg!(ErrMsg::PlaceRow, file, row),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// One workbook's data as read, with where each field came from.
#[derive(Debug, Clone)]
struct Record {
    data: WorkbookData,
    place: Place,
    fields: HashMap<String, Place>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.message())]
pub enum ImportError {
    Read {
        file: String,
        reason: Message,
    },
    UnknownField {
        place: Place,
        field: String,
    },
    DuplicateField {
        place: Place,
        field: String,
    },
    /// `what` it should be: [`ErrMsg::ANumber`] or [`ErrMsg::AYear`].
    NotANumber {
        place: Place,
        value: String,
        what: ErrMsg,
    },
    DuplicateDepartment {
        department: String,
        first: Box<Place>,
        second: Box<Place>,
    },
    UnknownFamily {
        place: Place,
        family: String,
    },
    Empty {
        place: Place,
    },
    Exists(String),
    Write {
        path: String,
        reason: Message,
    },
}

impl ImportError {
    /// The one line said about it.
    pub fn message(&self) -> Message {
        use ImportError as E;
        match self {
            E::Read { file, reason } => msg!(ErrMsg::CannotRead, file, reason),
            E::UnknownField { place, field } => {
                msg!(ErrMsg::UnknownDataField, place.message(), field)
            }
            E::DuplicateField { place, field } => {
                msg!(ErrMsg::DuplicateField, place.message(), field)
            }
            E::NotANumber { place, value, what } => {
                msg!(ErrMsg::NotANumber, place.message(), value, *what)
            }
            E::DuplicateDepartment {
                department,
                first,
                second,
            } => msg!(
                ErrMsg::DuplicateDepartment,
                second.message(),
                department,
                first.message()
            ),
            E::UnknownFamily { place, family } => {
                msg!(ErrMsg::UnknownFamily, place.message(), family)
            }
            E::Empty { place } => msg!(ErrMsg::NoData, place.message()),
            E::Exists(path) => msg!(ErrMsg::ImportExists, path),
            E::Write { path, reason } => msg!(ErrMsg::CannotWrite, path, reason),
        }
    }
}

/// Reads every data file, checks every record and, when all are right, writes one workbook
/// per record into `opts.out`; the files written, or every error found.
pub fn import(data: &[PathBuf], opts: &ImportOptions) -> Result<Vec<PathBuf>, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut records: IndexMap<String, Record> = IndexMap::new();
    for path in data {
        match read::read_file(path) {
            Ok(found) => {
                for r in found {
                    if let Err(e) = join(&mut records, r) {
                        errors.push(e);
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut departments: HashMap<String, Place> = HashMap::new();
    let mut plans = Vec::new();
    for record in records.values() {
        if let Some(dept) = &record.data.department {
            if let Some(first) = departments.get(dept) {
                errors.push(ImportError::DuplicateDepartment {
                    department: dept.clone(),
                    first: Box::new(first.clone()),
                    second: Box::new(record.place.clone()),
                });
                continue;
            }
            departments.insert(dept.clone(), record.place.clone());
        }
        match write::plan(record, opts) {
            Ok(plan) => plans.push(plan),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if records.is_empty() && errors.is_empty() {
        let file = data
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        errors.push(ImportError::Empty {
            place: Place::row(&file, 1, None),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    write::write_all(plans, opts)
}

/// Adds a record read: the indicator rows of a long indicator file join the fields of the same
/// workbook (same path, else same department).
fn join(records: &mut IndexMap<String, Record>, r: Record) -> Result<(), ImportError> {
    let id = if r.data.path.is_empty() {
        r.data.department.clone().unwrap_or_default()
    } else {
        r.data.path.clone()
    };
    let id = if id.is_empty() {
        format!("{}#{}", r.place.file, r.place.row)
    } else {
        id
    };
    let Some(have) = records.get_mut(&id) else {
        records.insert(id, r);
        return Ok(());
    };
    let fields_only = have.data.indicators.is_empty() && r.data.fields.is_empty();
    let indicators_only = have.data.fields.is_empty() && r.data.indicators.is_empty();
    if !(fields_only || indicators_only) {
        return Err(ImportError::DuplicateDepartment {
            department: have.data.department.clone().unwrap_or(id),
            first: Box::new(have.place.clone()),
            second: Box::new(r.place),
        });
    }
    if indicators_only {
        have.data.fields = r.data.fields;
        have.fields = r.fields;
    } else {
        have.data.indicators = r.data.indicators;
    }
    Ok(())
}
