//! Which formulas the rebuilt copy keeps as formulas: an xlsx file's own, and xls or ods ones
//! only when they are plain same-sheet formulas (ods ones translated from OpenFormula).

use crate::model::FileKind;

/// The formula text to write into the xlsx copy, or None to keep only its value. An xlsx
/// formula is the file's own text. calamine renders an xls formula from its tokens (sheet names
/// unquoted, some tokens as placeholders) and gives an ods formula in OpenFormula syntax, so
/// those are kept only when they are plain same-sheet formulas that read the same in Excel.
pub(in crate::annotate) fn portable_formula(kind: FileKind, text: &str) -> Option<String> {
    match kind {
        FileKind::Xlsx => Some(text.to_string()),
        FileKind::Xls => plain_formula(text),
        FileKind::Ods => plain_formula(&translate_open_formula(text)?),
    }
}

/// `text` when it holds only same-sheet references, numbers, strings, operators and functions.
fn plain_formula(text: &str) -> Option<String> {
    let text = text.trim().trim_start_matches('=');
    if text.is_empty() || text.len() > 8192 || text.contains("Unsupported") || text.contains("ptg")
    {
        return None;
    }
    let mut depth = 0i32;
    let mut in_string = false;
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            in_string = c != '"';
            prev = c;
            continue;
        }
        // A dotted name (ORG.OPENOFFICE.X, COM.MICROSOFT.Y) is not an Excel function.
        if c == '.'
            && prev.is_ascii_alphabetic()
            && chars.peek().is_some_and(|n| n.is_ascii_alphabetic())
        {
            return None;
        }
        prev = c;
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            'A'..='Z' | 'a'..='z' | '0'..='9' | '_' | '.' | ',' | ':' | ' ' | '$' | '%' => {}
            '+' | '-' | '*' | '/' | '^' | '&' | '<' | '>' | '=' => {}
            _ => return None,
        }
    }
    (depth == 0 && !in_string).then(|| text.to_string())
}

/// OpenFormula (`of:=SUM([.B7:.B8]);…`) to Excel syntax, for same-sheet references only.
fn translate_open_formula(text: &str) -> Option<String> {
    let body = text.trim();
    let body = body.strip_prefix("of:").unwrap_or(body).strip_prefix('=')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            in_string = c != '"';
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            ';' => out.push(','),
            '[' => {
                let mut inner = String::new();
                loop {
                    match chars.next()? {
                        ']' => break,
                        ch => inner.push(ch),
                    }
                }
                let mut parts = Vec::new();
                for part in inner.split(':') {
                    let cell = part.strip_prefix('.')?;
                    if !is_cell_ref(cell) {
                        return None;
                    }
                    parts.push(cell);
                }
                if parts.len() > 2 {
                    return None;
                }
                out.push_str(&parts.join(":"));
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `A1`, `$B$12`: one to three letters, one to seven digits, optional `$` before each.
fn is_cell_ref(text: &str) -> bool {
    let text = text.strip_prefix('$').unwrap_or(text);
    let letters = text.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = text[letters..]
        .strip_prefix('$')
        .unwrap_or(&text[letters..]);
    (1..=3).contains(&letters)
        && (1..=7).contains(&rest.len())
        && rest.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_formulas_are_kept_as_written() {
        let f = "'基础 数据'!D11+_xlfn.XLOOKUP(A1,B:B,C:C)";
        assert_eq!(portable_formula(FileKind::Xlsx, f).as_deref(), Some(f));
    }

    #[test]
    fn xls_formulas_only_when_plain() {
        assert_eq!(
            portable_formula(FileKind::Xls, "B6+B9+B10").as_deref(),
            Some("B6+B9+B10")
        );
        assert_eq!(
            portable_formula(FileKind::Xls, "ROUND(E4/D4*100,2)").as_deref(),
            Some("ROUND(E4/D4*100,2)")
        );
        assert_eq!(
            portable_formula(FileKind::Xls, "IF(A1>0,\"有（\"\"是\"\"）\",\"\")").as_deref(),
            Some("IF(A1>0,\"有（\"\"是\"\"）\",\"\")")
        );
        for bad in [
            "基础数据表!D11",
            "[PtgNameX]",
            "Unsupported ptg: 1a",
            "SUM(A1",
            "A1)",
            "\"open",
            "",
        ] {
            assert_eq!(portable_formula(FileKind::Xls, bad), None, "{bad}");
        }
    }

    #[test]
    fn ods_formulas_are_translated_when_same_sheet() {
        let got = portable_formula(FileKind::Ods, "of:=[.B6]+SUM([.$B$7:.B8];1)");
        assert_eq!(got.as_deref(), Some("B6+SUM($B$7:B8,1)"));
        assert_eq!(
            portable_formula(FileKind::Ods, "of:=\"a;[b]\"&[.A1]").as_deref(),
            Some("\"a;[b]\"&A1")
        );
        for bad in [
            "of:=[$Sheet2.A1]",
            "of:=[.A1:.B2:.C3]",
            "of:=[.A1",
            "of:=ORG.OPENOFFICE.X([.A1])",
            "A1",
        ] {
            assert_eq!(portable_formula(FileKind::Ods, bad), None, "{bad}");
        }
    }
}
