//! The summary as a table on the terminal: the worst files first, then the totals.

use std::io;
use std::path::Path;

use super::{SortedRows, SummaryRow, Totals};
use crate::annotate::Lang;
use crate::i18n::notes::NoteMsg;
use crate::model::text::{char_width, terminal_safe, text_width, AlignedTable};
use crate::report::msg::{self, Msg};

/// The terminal is assumed this wide; the table never is wider.
pub const TERMINAL_WIDTH: usize = 80;

/// Columns of the terminal table: the file, the two totals, the four counts, the status. The
/// department, year, grade and why a file could not be checked are in the reports above it and
/// in the summary workbook.
const COLUMNS: usize = 8;
const NUMERIC: [bool; COLUMNS] = [false, true, true, true, true, true, true, false];

fn headers(lang: Lang) -> [&'static str; COLUMNS] {
    [
        NoteMsg::File,
        NoteMsg::TableFiled,
        NoteMsg::TableRecalculated,
        NoteMsg::TableErrors,
        NoteMsg::TableRounding,
        NoteMsg::TableMissing,
        NoteMsg::TableWarnings,
        NoteMsg::SummaryStatus,
    ]
    .map(|h| h.text(lang))
}

fn cells(row: &SummaryRow, lang: Lang) -> [String; COLUMNS] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let count = |i: usize| row.count_text(i);
    let status = if row.failed {
        NoteMsg::TableCannotCheck.text(lang)
    } else {
        msg::text(Msg::Checked, lang)
    };
    [
        terminal_safe(&row.path).into_owned(),
        opt(&row.total_score),
        opt(&row.recalculated_total_score),
        count(0),
        count(1),
        count(2),
        count(3),
        status.to_string(),
    ]
}

/// The summary as an aligned table (CJK characters count two columns) at most
/// [`TERMINAL_WIDTH`] wide, worst first; at most `limit` rows, then a line saying how many more
/// there are and where to find them.
pub fn terminal_table(
    rows: &mut SortedRows,
    lang: Lang,
    limit: Option<usize>,
    summary: Option<&Path>,
) -> io::Result<String> {
    let shown = limit.map_or(rows.len(), |l| l.min(rows.len()));
    let mut table: Vec<[String; COLUMNS]> = Vec::with_capacity(shown + 1);
    table.push(headers(lang).map(str::to_string));
    for i in 0..shown {
        table.push(cells(&rows.get(i)?, lang));
    }
    // The file column gets what the others leave.
    let others: usize = (1..COLUMNS)
        .map(|col| table.iter().map(|r| text_width(&r[col])).max().unwrap_or(0) + 2)
        .sum();
    let file_width = TERMINAL_WIDTH.saturating_sub(others).max(16);
    for row in table.iter_mut().skip(1) {
        row[0] = shorten_path(&row[0], file_width);
    }
    let table = AlignedTable::new(&table, &NUMERIC);
    let mut out = String::new();
    out.push('\n');
    out.push_str(msg::text(Msg::SummaryHeading, lang));
    out.push('\n');
    out.push_str(&table.with_rule_under_header(&"-".repeat(table.longest_line())));
    let line = |m, args: &[&dyn std::fmt::Display]| format!("{}\n", msg::fill(m, lang, args));
    if shown < rows.len() {
        let more = rows.len() - shown;
        out.push_str(&match summary {
            Some(p) => line(Msg::MoreInWorkbook, &[&more, &p.display()]),
            None => line(Msg::MoreWithHint, &[&more]),
        });
    }
    let t: Totals = rows.totals();
    out.push_str(&line(
        Msg::SummaryTotals,
        &[
            &t.files,
            &t.failed,
            &t.with_errors,
            &t.warnings_only,
            &t.clean,
        ],
    ));
    if let Some(p) = summary {
        out.push_str(&line(Msg::SummaryWorkbook, &[&p.display()]));
    }
    Ok(out)
}

/// `path` in at most `max` display columns: the folders in the middle give way to "…" first,
/// keeping the file name and the folder it is in (the department's); if those alone are too
/// wide, the middle of them goes.
fn shorten_path(path: &str, max: usize) -> String {
    if text_width(path) <= max {
        return path.to_string();
    }
    let sep = if path.contains('/') || !path.contains('\\') {
        '/'
    } else {
        '\\'
    };
    let parts: Vec<&str> = path.split(sep).collect();
    if parts.len() > 2 {
        let tail = parts[parts.len() - 2..].join(&sep.to_string());
        let mut head = String::new();
        for part in &parts[..parts.len() - 2] {
            let longer = format!("{head}{part}{sep}");
            if text_width(&longer) + 2 + text_width(&tail) > max {
                break;
            }
            head = longer;
        }
        let short = format!("{head}…{sep}{tail}");
        if text_width(&short) <= max {
            return short;
        }
        return cut_middle(&tail, max);
    }
    cut_middle(path, max)
}

/// At most `max` display columns: the start and the end, half each, "…" between.
fn cut_middle(s: &str, max: usize) -> String {
    let budget = max.saturating_sub(1);
    let take = |chars: &mut dyn Iterator<Item = char>, budget: usize| {
        let mut used = 0;
        let mut kept = Vec::new();
        for c in chars {
            used += char_width(c);
            if used > budget {
                break;
            }
            kept.push(c);
        }
        kept
    };
    let head = take(&mut s.chars(), budget / 2);
    let head_width: usize = head.iter().map(|&c| char_width(c)).sum();
    let mut tail = take(&mut s.chars().rev(), budget - head_width);
    tail.reverse();
    format!(
        "{}…{}",
        head.into_iter().collect::<String>(),
        tail.into_iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::super::{sample_row as row, RowStore};
    use super::*;

    #[test]
    fn terminal_table_aligns_cjk_by_display_width() {
        let mut store = RowStore::new();
        store.push(&row("a.xlsx", false, [1, 0, 0, 0]));
        let mut r = row("长长的路径/b.xlsx", false, [0, 0, 0, 0]);
        r.department = Some("农业局".into());
        store.push(&r);
        let mut sorted = store.finish().unwrap();
        let text = terminal_table(&mut sorted, Lang::Zh, None, None).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("xlsx")).collect();
        assert_eq!(lines.len(), 2);
        let col = |l: &str| text_width(&l[..l.find("94.00").unwrap()]);
        assert_eq!(col(lines[0]), col(lines[1]), "{text}");
        assert!(text.contains("共 2 个文件"), "{text}");
    }

    #[test]
    fn long_paths_lose_their_middle_folders_first() {
        let p = "收件/2024年/第一批/农业农村局/部门整体支出绩效自评表.xlsx";
        let short = shorten_path(p, 46);
        assert_eq!(short, "收件/…/农业农村局/部门整体支出绩效自评表.xlsx");
        assert_eq!(shorten_path("a/b.xlsx", 40), "a/b.xlsx");
        let cut = shorten_path(p, 20);
        assert!(text_width(&cut) <= 20, "{cut}");
        assert!(cut.ends_with(".xlsx"), "{cut}");
    }

    #[test]
    fn the_table_fits_the_terminal_whatever_the_paths() {
        let mut store = RowStore::new();
        let long = "/tmp/很长很长的收件文件夹/二〇二四年度/衡阳市生态环境局耒阳分局/自评表（修改后最终版）.xlsx";
        store.push(&row(long, false, [123, 4, 5, 6]));
        store.push(&row(long, true, [0, 0, 0, 0]));
        let mut sorted = store.finish().unwrap();
        for lang in [Lang::Zh, Lang::En] {
            let text = terminal_table(&mut sorted, lang, None, None).unwrap();
            for line in text.lines() {
                assert!(text_width(line) <= TERMINAL_WIDTH, "{line}");
            }
            assert!(text.contains("衡阳市生态"), "{text}");
            assert!(text.contains("最终版）.xlsx"), "{text}");
        }
    }
}
