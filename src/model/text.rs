//! Text as people type it: compatibility folding, label normalisation and terminal width.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Full-width → half-width and other compatibility forms (Ⅲ → III, ％ → %).
pub fn fold(text: &str) -> Cow<'_, str> {
    // Most cells are already in NFKC; the quick check passes them without decomposing, and
    // plain ASCII and Chinese text need not even that.
    if text.chars().all(nfkc_stable) || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    }
}

/// Characters NFKC leaves as they are whatever surrounds them (quick check Yes, combining class
/// 0): ASCII, 、。〃…, ‘’“” and the CJK Unified Ideographs.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{3001}'..='\u{3029}' | '\u{2018}'..='\u{201D}' | '\u{4E00}'..='\u{9FFF}')
}

/// Label normalisation: full-width folded, spaces, numbering, punctuation and 其中 removed.
pub fn norm(text: &str) -> String {
    let s: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = s.as_str();
    // Leading numbering: 1、 (1) （一） 一、 3.
    let t = rest.trim_start_matches(['(', '（']);
    let after_num = t.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || matches!(
                c,
                '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
            )
    });
    if after_num.len() < t.len() {
        if let Some(r) = after_num.strip_prefix(['、', '.', ')', '）', ',', '，']) {
            rest = r;
        }
    }
    // A leading year: 2024年决算数.
    if rest.len() > 7
        && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && rest[4..].starts_with('年')
    {
        rest = &rest[7..];
    }
    let mut s: String = rest
        .chars()
        .filter(|c| !(c.is_ascii_punctuation() || is_label_punctuation(*c)))
        .collect();
    if s.starts_with("其中") {
        s.drain(.."其中".len());
    }
    s
}

/// Punctuation [`norm`] drops besides ASCII's: ：，、。；（）【】“”‘’《》·—… and U+3000.
fn is_label_punctuation(c: char) -> bool {
    matches!(
        c,
        '：' | '，'
            | '、'
            | '。'
            | '；'
            | '（'
            | '）'
            | '【'
            | '】'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '《'
            | '》'
            | '·'
            | '—'
            | '…'
            | '\u{3000}'
    )
}

/// Columns a character takes in a terminal: two for CJK and full-width forms.
pub fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

pub fn text_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_fast_path_characters_are_nfkc_stable() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| nfkc_stable(*c))
        {
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
        assert_eq!(fold("２０２３年（一）"), "2023年(一)");
    }
}
