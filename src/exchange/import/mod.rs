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
    pub column: Option<String>,
    pub json: bool,
}

impl Place {
    fn json(file: &str, n: usize, field: Option<&str>) -> Place {
        Place {
            file: file.to_string(),
            row: n,
            column: field.map(str::to_string),
            json: true,
        }
    }

    fn row(file: &str, line: usize, column: Option<&str>) -> Place {
        Place {
            file: file.to_string(),
            row: line,
            column: column.map(str::to_string),
            json: false,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.json, &self.column) {
            (true, Some(c)) => write!(f, "{} 第 {} 个工作簿的字段 {c}", self.file, self.row),
            (true, None) => write!(f, "{} 第 {} 个工作簿", self.file, self.row),
            (false, Some(c)) if c.starts_with('第') || c.contains('（') => {
                write!(f, "{} 第 {} 行、{c}", self.file, self.row)
            }
            (false, Some(c)) => write!(f, "{} 第 {} 行「{c}」列", self.file, self.row),
            (false, None) => write!(f, "{} 第 {} 行", self.file, self.row),
        }
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
pub enum ImportError {
    #[error("无法读取 {file}：{reason}")]
    Read { file: String, reason: String },
    #[error("{place}：没有字段「{field}」（字段名见 docs/fields.md）")]
    UnknownField { place: Place, field: String },
    #[error("{place}：字段 {field} 出现了两次")]
    DuplicateField { place: Place, field: String },
    #[error("{place}：「{value}」不是{what}")]
    NotANumber {
        place: Place,
        value: String,
        what: &'static str,
    },
    #[error("{second}：部门「{department}」重复（{first} 已有）")]
    DuplicateDepartment {
        department: String,
        first: Box<Place>,
        second: Box<Place>,
    },
    #[error("{place}：没有版式「{family}」（可用：hunan-2024、hunan-2018、hunan-2024-extended）")]
    UnknownFamily { place: Place, family: String },
    #[error("{place}：没有数据")]
    Empty { place: Place },
    #[error("{0} 已存在；导入不会覆盖已有的文件")]
    Exists(String),
    #[error("无法写入 {path}：{reason}")]
    Write { path: String, reason: String },
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
