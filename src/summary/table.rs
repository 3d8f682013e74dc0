//! The summary as a table on the terminal: the worst files first, then the totals.

use std::io;
use std::path::Path;

use super::{cells, headers, SortedRows, Totals, COLUMNS, NUMERIC};
use crate::annotate::Lang;
use crate::model::text::{char_width, text_width, AlignedTable};

/// Widest a cell of these columns is shown on the terminal (display columns).
const TERMINAL_MAX: [usize; COLUMNS] = [30, 4, 40, 8, 8, 4, 4, 4, 4, 4, 48];

/// The summary as an aligned table (CJK characters count two columns), worst first; at most
/// `limit` rows, then a line saying how many more there are and where to find them.
pub fn terminal_table(
    rows: &mut SortedRows,
    lang: Lang,
    limit: Option<usize>,
    summary: Option<&Path>,
) -> io::Result<String> {
    let zh = lang == Lang::Zh;
    let shown = limit.map_or(rows.len(), |l| l.min(rows.len()));
    let mut table: Vec<[String; COLUMNS]> = Vec::with_capacity(shown + 1);
    table.push(headers(lang).map(str::to_string));
    for i in 0..shown {
        let row = rows.get(i)?;
        let mut c = cells(&row, lang);
        for (col, cell) in c.iter_mut().enumerate() {
            *cell = truncate(cell, TERMINAL_MAX[col], col == 2);
        }
        table.push(c);
    }
    let table = AlignedTable::new(&table, &NUMERIC);
    let mut out = String::new();
    out.push('\n');
    out.push_str(if zh {
        "汇总（问题最多的在前）\n"
    } else {
        "Summary (worst first)\n"
    });
    out.push_str(&table.with_rule_under_header(&"-".repeat(table.longest_line())));
    if shown < rows.len() {
        out.push_str(&more(rows.len() - shown, summary, zh));
    }
    out.push_str(&totals(rows.totals(), zh));
    if let Some(p) = summary {
        out.push_str(&if zh {
            format!("汇总表：{}\n", p.display())
        } else {
            format!("summary workbook: {}\n", p.display())
        });
    }
    Ok(out)
}

/// How many files the table leaves out, and where they all are.
fn more(more: usize, summary: Option<&Path>, zh: bool) -> String {
    match (summary, zh) {
        (Some(p), true) => {
            format!("……另有 {more} 个文件问题较少，完整列表见 {}\n", p.display())
        }
        (Some(p), false) => format!(
            "… {more} more files with fewer findings; all of them are in {}\n",
            p.display()
        ),
        (None, true) => {
            format!("……另有 {more} 个文件问题较少；加 --summary 汇总.xlsx 可写出完整汇总表\n")
        }
        (None, false) => format!(
            "… {more} more files with fewer findings; --summary NAME.xlsx writes them all\n"
        ),
    }
}

fn totals(t: Totals, zh: bool) -> String {
    if zh {
        format!(
            "共 {} 个文件：无法检查 {}，有错误 {}，仅有提示 {}，未发现问题 {}\n",
            t.files, t.failed, t.with_errors, t.warnings_only, t.clean
        )
    } else {
        format!(
            "{} files: {} could not be checked, {} with errors, {} with warnings only, {} clean\n",
            t.files, t.failed, t.with_errors, t.warnings_only, t.clean
        )
    }
}

/// At most `max` display columns: the start of the text, or (for paths) its end, with "…".
fn truncate(s: &str, max: usize, keep_end: bool) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if text_width(&s) <= max {
        return s;
    }
    let budget = max.saturating_sub(1);
    let mut used = 0;
    let mut kept: Vec<char> = Vec::new();
    let chars: Vec<char> = if keep_end {
        s.chars().rev().collect()
    } else {
        s.chars().collect()
    };
    for c in chars {
        let w = char_width(c);
        if used + w > budget {
            break;
        }
        used += w;
        kept.push(c);
    }
    if keep_end {
        kept.reverse();
        format!("…{}", kept.into_iter().collect::<String>())
    } else {
        format!("{}…", kept.into_iter().collect::<String>())
    }
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
        let col = |l: &str| text_width(&l[..l.find("2024").unwrap()]);
        assert_eq!(col(lines[0]), col(lines[1]), "{text}");
        assert!(text.contains("共 2 个文件"), "{text}");
    }

    #[test]
    fn truncation_keeps_the_end_of_paths() {
        assert_eq!(truncate("abcdef", 4, true), "…def");
        assert_eq!(truncate("农业农村局", 5, false), "农业…");
        assert_eq!(truncate("abc", 4, false), "abc");
    }
}
