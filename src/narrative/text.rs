//! A paragraph as characters: numbers with units, phrases, sentences, clauses, list markers.
//! Full-width forms are folded one character for one (`：` → `:`), so positions stay those of
//! the paragraph as written.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::model::Kind;
use crate::narrative::figures::Subject;
use crate::narrative::vocabulary::Vocabulary;

const SENTENCE_BREAKS: &[char] = &['。', ';', '!', '?', '\t', '\n'];
const CLAUSE_BREAKS: &[char] = &['。', ';', '!', '?', '\t', '\n', ',', ':', '、'];

/// Characters a phrase is matched across: spaces and quotes (“三公”经费 = 三公经费).
fn skipped(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '“' | '”' | '‘' | '’' | '"' | '\'' | '「' | '」' | '『' | '』'
        )
}

/// Full-width ASCII → ASCII, ideographic space → space; one character for one.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '−' => '-',
        _ => c,
    }
}

pub struct Text {
    chars: Vec<char>,
}

/// A number followed by a unit of the vocabulary.
#[derive(Debug, Clone)]
pub struct Number {
    pub span: Range<usize>,
    pub value: Decimal,
    pub decimals: u32,
    pub kind: Kind,
    /// The unit as written (`元`), and what turns it into the tables' unit (0.0001).
    pub unit: String,
    pub scale: Decimal,
}

/// A phrase of the vocabulary found in the text.
#[derive(Debug, Clone)]
pub struct Found {
    pub span: Range<usize>,
    pub target: Subject,
}

impl Text {
    pub fn new(raw: &str) -> Text {
        Text {
            chars: raw.chars().map(fold_char).collect(),
        }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn slice(&self, range: Range<usize>) -> String {
        self.chars[range.start.min(self.len())..range.end.min(self.len())]
            .iter()
            .collect()
    }

    pub fn sentence_of(&self, at: usize) -> Range<usize> {
        let start = self.chars[..at]
            .iter()
            .rposition(|c| SENTENCE_BREAKS.contains(c))
            .map_or(0, |i| i + 1);
        let end = self.chars[at..]
            .iter()
            .position(|c| SENTENCE_BREAKS.contains(c))
            .map_or(self.len(), |i| at + i + 1);
        start..end
    }

    pub fn clause_start(&self, at: usize) -> usize {
        self.chars[..at]
            .iter()
            .rposition(|c| CLAUSE_BREAKS.contains(c))
            .map_or(0, |i| i + 1)
    }

    pub fn first_colon(&self) -> Option<usize> {
        self.chars.iter().position(|c| *c == ':')
    }

    fn skip_spaces(&self, mut at: usize) -> usize {
        while at < self.len() && self.chars[at].is_whitespace() {
            at += 1;
        }
        at
    }

    fn starts_with_at(&self, at: usize, word: &str) -> Option<usize> {
        let mut i = at;
        for w in word.chars().map(fold_char) {
            if self.chars.get(i) != Some(&w) {
                return None;
            }
            i += 1;
        }
        Some(i)
    }

    /// Matches `word` at `at`, across spaces and quotes; the end of the match.
    fn phrase_at(&self, at: usize, word: &[char]) -> Option<usize> {
        let mut i = at;
        for (k, w) in word.iter().enumerate() {
            while k > 0 && i < self.len() && skipped(self.chars[i]) {
                i += 1;
            }
            if self.chars.get(i) != Some(w) {
                return None;
            }
            i += 1;
        }
        Some(i)
    }

    /// Every number followed by a unit: `3,157.85 万元`, `４.４６％`, `158人`.
    pub fn numbers(&self, vocab: &Vocabulary) -> Vec<Number> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            let c = self.chars[i];
            let glued = i > 0 && {
                let p = self.chars[i - 1];
                p.is_ascii_alphanumeric() || p == '.'
            };
            if !c.is_ascii_digit() || glued {
                i += 1;
                continue;
            }
            let (text, end) = self.number_text(i);
            let negative =
                i > 0 && self.chars[i - 1] == '-' && !(i > 1 && self.chars[i - 2].is_ascii_digit());
            let start = if negative { i - 1 } else { i };
            if let Some(n) = self.with_unit(&text, negative, start, end, vocab) {
                out.push(n);
            }
            i = end;
        }
        out
    }

    /// The digits from `at` (thousands commas dropped, one decimal point) and where they end.
    fn number_text(&self, at: usize) -> (String, usize) {
        let mut text = String::new();
        let mut i = at;
        let mut point = false;
        while i < self.len() {
            let c = self.chars[i];
            let next_digit = self.chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() {
                text.push(c);
            } else if c == '.' && !point && next_digit {
                point = true;
                text.push(c);
            } else if c == ',' && !point && self.thousands_at(i) {
                // a thousands separator
            } else {
                break;
            }
            i += 1;
        }
        (text, i)
    }

    fn thousands_at(&self, comma: usize) -> bool {
        let digits = (1..=3).all(|k| self.chars.get(comma + k).is_some_and(char::is_ascii_digit));
        digits && !self.chars.get(comma + 4).is_some_and(char::is_ascii_digit)
    }

    fn with_unit(
        &self,
        text: &str,
        negative: bool,
        start: usize,
        end: usize,
        vocab: &Vocabulary,
    ) -> Option<Number> {
        let at = self.skip_spaces(end);
        let (unit, unit_end) = vocab
            .units
            .iter()
            .filter_map(|u| self.starts_with_at(at, &u.text).map(|e| (u, e)))
            .max_by_key(|(_, e)| *e)?;
        let next = self.slice(unit_end..unit_end + 1);
        if !next.is_empty()
            && vocab
                .not_after_unit
                .iter()
                .any(|w| next.starts_with(w.as_str()))
        {
            return None;
        }
        let mut value: Decimal = text.parse().ok()?;
        if negative {
            value = -value;
        }
        let written = text.split_once('.').map_or(0, |(_, d)| d.len() as u32);
        let value = value * unit.scale;
        let decimals = written + unit.scale.normalize().scale();
        Some(Number {
            span: start..unit_end,
            value,
            decimals,
            kind: unit.kind,
            unit: unit.text.clone(),
            scale: unit.scale,
        })
    }

    /// Where items begin after a total ending at `end`: after `：`, or after `，其中` and the like.
    pub fn list_opening(&self, end: usize, openers: &[String]) -> Option<usize> {
        let mut at = self.skip_spaces(end);
        let comma = self.chars.get(at) == Some(&',');
        if comma {
            at = self.skip_spaces(at + 1);
        }
        let opener = openers
            .iter()
            .filter_map(|w| self.starts_with_at(at, w))
            .max();
        if let Some(e) = opener {
            at = self.skip_spaces(e);
        }
        let colon = self.chars.get(at) == Some(&':');
        if colon {
            at = self.skip_spaces(at + 1);
        }
        (colon && (opener.is_some() || !comma) || opener.is_some()).then_some(at)
    }

    /// The number of a list marker at `at` (after spaces): `（1）`, `(2)`, `①`.
    pub fn marker_at(&self, at: usize) -> Option<u32> {
        self.marker(self.skip_spaces(at)).map(|(n, _)| n)
    }

    fn marker(&self, at: usize) -> Option<(u32, usize)> {
        let c = *self.chars.get(at)?;
        if ('①'..='⑳').contains(&c) {
            return Some((c as u32 - '①' as u32 + 1, at + 1));
        }
        if c != '(' {
            return None;
        }
        let digits: String = self.chars[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let close = at + 1 + digits.len();
        (!digits.is_empty() && self.chars.get(close) == Some(&')'))
            .then(|| digits.parse().ok().map(|n| (n, close + 1)))
            .flatten()
    }

    /// The items of a numbered list starting at `at`: from each marker to the next, while the
    /// markers count up from 1.
    pub fn numbered_items(&self, at: usize) -> Vec<Range<usize>> {
        let mut markers = Vec::new();
        let mut want = 1;
        let mut i = self.skip_spaces(at);
        while i < self.len() {
            match self.marker(i) {
                Some((n, end)) if n == want => {
                    markers.push((i, end));
                    want += 1;
                    i = end;
                }
                Some((_, _)) => break,
                None => i += 1,
            }
        }
        (0..markers.len())
            .map(|k| markers[k].1..markers.get(k + 1).map_or(self.len(), |m| m.0))
            .collect()
    }

    /// Where an unnumbered list starting at `at` ends: the end of its sentence or a marker.
    pub fn list_end(&self, at: usize) -> usize {
        (at..self.len())
            .find(|&i| SENTENCE_BREAKS.contains(&self.chars[i]) || self.marker(i).is_some())
            .unwrap_or(self.len())
    }
}

/// The vocabulary's phrases, longest first.
pub struct Phrases {
    list: Vec<(Vec<char>, Subject)>,
}

impl Phrases {
    pub fn new(vocab: &Vocabulary) -> Phrases {
        let folded =
            |p: &str| -> Vec<char> { p.chars().map(fold_char).filter(|c| !skipped(*c)).collect() };
        let mut list: Vec<(Vec<char>, Subject)> = Vec::new();
        for (i, f) in vocab.figures.iter().enumerate() {
            list.extend(f.phrases.iter().map(|p| (folded(p), Subject::Figure(i))));
        }
        for (i, r) in vocab.rates.iter().enumerate() {
            list.extend(r.phrases.iter().map(|p| (folded(p), Subject::Rate(i))));
        }
        list.extend(vocab.ignore.iter().map(|p| (folded(p), Subject::None)));
        list.retain(|(p, _)| !p.is_empty());
        list.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        Phrases { list }
    }

    /// Leftmost-longest matches, not overlapping.
    pub fn find(&self, t: &Text) -> Vec<Found> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < t.len() {
            let hit = self
                .list
                .iter()
                .find_map(|(p, target)| t.phrase_at(i, p).map(|end| (end, *target)));
            match hit {
                Some((end, target)) => {
                    out.push(Found {
                        span: i..end,
                        target,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }
}

impl Text {
    /// The words of `range` found leftmost-longest, with their tags.
    pub fn words<'a, T: Copy>(
        &self,
        range: Range<usize>,
        words: impl Iterator<Item = (&'a str, T)>,
    ) -> Vec<(Range<usize>, T)> {
        let mut words: Vec<(Vec<char>, T)> = words
            .map(|(w, tag)| (w.chars().map(fold_char).collect(), tag))
            .collect();
        words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end.min(self.len()) {
            match words.iter().find_map(|(w, tag)| {
                self.phrase_at(i, w)
                    .filter(|e| *e <= range.end)
                    .map(|e| (e, *tag))
            }) {
                Some((end, tag)) => {
                    out.push((i..end, tag));
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<(String, u32, Kind)> {
        Text::new(text)
            .numbers(Vocabulary::get())
            .into_iter()
            .map(|n| (n.value.to_string(), n.decimals, n.kind))
            .collect()
    }

    #[test]
    fn numbers_need_a_unit_and_read_as_written() {
        assert_eq!(
            numbers(
                "共 3,157.85 万元，４.４６％，158人，“6.3”案，1000 人次，VOCs 2 万元，-157.36 万元"
            ),
            vec![
                ("3157.85".into(), 2, Kind::Amount),
                ("4.46".into(), 2, Kind::Rate),
                ("158".into(), 0, Kind::Count),
                ("2".into(), 0, Kind::Amount),
                ("-157.36".into(), 2, Kind::Amount),
            ]
        );
        assert_eq!(numbers("1200 元"), vec![("0.1200".into(), 4, Kind::Amount)]);
    }

    #[test]
    fn markers_count_up_from_one() {
        let t = Text::new("（1）甲，(2)乙。（3）丙（5）丁");
        assert_eq!(t.marker_at(0), Some(1));
        assert_eq!(t.numbered_items(0).len(), 3);
    }
}
