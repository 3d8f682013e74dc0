//! `--format csv`: the long form, one row per field of each workbook (or with `--indicators`
//! one per 绩效指标 row), UTF-8 with a BOM so that Excel and WPS read the Chinese right.

use super::Exporter;
use crate::exchange::WorkbookData;

/// The columns of the field rows.
pub const FIELD_COLUMNS: [&str; 14] = [
    "path",
    "department",
    "year",
    "family",
    "table",
    "field",
    "label",
    "column",
    "sheet",
    "cell",
    "value",
    "shown",
    "recalculated",
    "finding",
];

/// The columns of the indicator rows.
pub const INDICATOR_COLUMNS: [&str; 15] = [
    "path",
    "department",
    "year",
    "family",
    "row",
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "points",
    "score",
    "recalculated_score",
    "reason",
    "finding",
];

const FIELD_HEADER: &str = "\u{feff}path,department,year,family,table,field,label,column,sheet,cell,value,shown,recalculated,finding\n";
const INDICATOR_HEADER: &str = "\u{feff}path,department,year,family,row,level1,level2,name,target,actual,points,score,recalculated_score,reason,finding\n";

/// Rows written with the `csv` crate's quoting, as one string.
fn rows<const N: usize>(rows: impl IntoIterator<Item = [String; N]>) -> String {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec fails only on a bug.
        let _ = w.write_record(&row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

fn severity(v: Option<crate::model::Severity>) -> String {
    v.map(|s| s.label_en().to_string()).unwrap_or_default()
}

/// Field rows; a file that could not be checked has none (`export` names it on stderr).
pub struct Fields;

impl Exporter for Fields {
    fn workbook(&self, d: &WorkbookData, _rank: u32) -> String {
        let head = [
            d.path.clone(),
            opt(&d.department),
            opt(&d.year),
            opt(&d.family),
        ];
        rows(d.fields.iter().map(|(key, f)| {
            let [a, b, c, e] = head.clone();
            [
                a,
                b,
                c,
                e,
                f.table.clone(),
                key.clone(),
                f.label.clone(),
                opt(&f.column),
                f.sheet.clone(),
                f.cell.clone(),
                opt(&f.value),
                opt(&f.shown),
                opt(&f.recalculated),
                severity(f.finding),
            ]
        }))
    }

    fn before(&self, index: usize) -> &'static str {
        if index == 0 {
            FIELD_HEADER
        } else {
            ""
        }
    }

    fn end(&self, count: usize) -> &'static str {
        if count == 0 {
            FIELD_HEADER
        } else {
            ""
        }
    }
}

/// Indicator rows.
pub struct Indicators;

impl Exporter for Indicators {
    fn workbook(&self, d: &WorkbookData, _rank: u32) -> String {
        rows(d.indicators.iter().enumerate().map(|(i, ind)| {
            [
                d.path.clone(),
                opt(&d.department),
                opt(&d.year),
                opt(&d.family),
                (i + 1).to_string(),
                ind.level1.clone(),
                ind.level2.clone(),
                ind.name.clone(),
                opt(&ind.target),
                opt(&ind.actual),
                opt(&ind.points),
                opt(&ind.score),
                opt(&ind.recalculated_score),
                opt(&ind.reason),
                severity(ind.finding),
            ]
        }))
    }

    fn before(&self, index: usize) -> &'static str {
        if index == 0 {
            INDICATOR_HEADER
        } else {
            ""
        }
    }

    fn end(&self, count: usize) -> &'static str {
        if count == 0 {
            INDICATOR_HEADER
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOM: &str = "\u{feff}";

    #[test]
    fn the_headers_are_the_documented_columns() {
        assert_eq!(FIELD_HEADER, format!("{BOM}{}\n", FIELD_COLUMNS.join(",")));
        assert_eq!(
            INDICATOR_HEADER,
            format!("{BOM}{}\n", INDICATOR_COLUMNS.join(","))
        );
    }
}
