//! The copy's sheet names: valid for Excel, unique, and one free for the summary.

use super::notes::clip_to;
use super::Lang;
use crate::i18n::notes::NoteMsg;
use crate::model::Workbook;

/// Output sheet names: the summary's, unique among the input's, and the input's own (made valid
/// for Excel only when they are not).
pub(super) struct Names {
    pub summary: String,
    pub sheets: Vec<String>,
}

pub(super) fn sheet_names(wb: &Workbook, lang: Lang) -> Names {
    let mut taken: Vec<String> = Vec::new();
    let mut sheets = Vec::new();
    for (i, sheet) in wb.sheets.iter().enumerate() {
        let mut name = if is_valid_sheet_name(&sheet.name) {
            sheet.name.clone()
        } else {
            sanitize_sheet_name(&sheet.name, i)
        };
        name = unique_name(&name, &taken);
        taken.push(name.to_lowercase());
        sheets.push(name);
    }
    let base = NoteMsg::SummarySheetName.text(lang);
    let summary = if taken.contains(&base.to_lowercase()) {
        unique_name(&format!("{base}(jixiao)"), &taken)
    } else {
        base.to_string()
    };
    Names { summary, sheets }
}

fn is_valid_sheet_name(name: &str) -> bool {
    let len = name.encode_utf16().count();
    (1..=31).contains(&len)
        && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
        && !name.starts_with('\'')
        && !name.ends_with('\'')
        && !name.eq_ignore_ascii_case("history")
}

fn sanitize_sheet_name(name: &str, index: usize) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    // Trimmed again after the cut, which may end on an apostrophe.
    let cleaned = clip_to(cleaned.trim_matches('\''), 31).trim_end_matches('\'');
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        format!("Sheet{}", index + 1)
    } else {
        cleaned.to_string()
    }
}

fn unique_name(name: &str, taken: &[String]) -> String {
    if !taken.contains(&name.to_lowercase()) {
        return name.to_string();
    }
    for n in 2.. {
        let suffix = format!("({n})");
        let candidate = format!("{}{suffix}", clip_to(name, 31 - suffix.len()));
        if !taken.contains(&candidate.to_lowercase()) {
            return candidate;
        }
    }
    unreachable!("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cut_by_utf16_units() {
        assert_eq!(clip_to("𠀀𠀀", 3), "𠀀");
        assert_eq!(clip_to("长长长", 2), "长长");
        assert_eq!(clip_to("abc", 3), "abc");
        assert!(!is_valid_sheet_name(&"𠀀".repeat(16)));
        assert_eq!(sanitize_sheet_name(&"𠀀".repeat(16), 0), "𠀀".repeat(15));
    }

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        assert!(is_valid_sheet_name("基础数据表"));
        assert!(!is_valid_sheet_name("a/b"));
        assert!(!is_valid_sheet_name("'x"));
        assert!(!is_valid_sheet_name("History"));
        assert_eq!(sanitize_sheet_name("a/b:c", 0), "a_b_c");
        assert_eq!(sanitize_sheet_name("''", 2), "Sheet3");
        let taken = vec!["sheet1".to_string(), "sheet1(2)".to_string()];
        assert_eq!(unique_name("Sheet1", &taken), "Sheet1(3)");
        assert_eq!(
            unique_name(&"长".repeat(31), &["长".repeat(31)])
                .chars()
                .count(),
            31
        );
    }
}
