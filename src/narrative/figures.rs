//! Figures in the report's text: a phrase of the vocabulary, a number and a unit; the column
//! the words around it name; item lists after a stated total; stated changes.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::model::Kind;
use crate::narrative::text::{self, Text};
use crate::narrative::vocabulary::{Column, Vocabulary};

/// What a number in the text is the value of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    None,
    /// A figure of the vocabulary (an index into `figures`).
    Figure(usize),
    /// A rate of the vocabulary (an index into `rates`).
    Rate(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// A number with its unit, as the text states it.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Index of the paragraph in the document.
    pub para: usize,
    /// Characters of the number and its unit in the paragraph.
    pub span: Range<usize>,
    /// In the tables' unit (万元, percentage points, people), negative when the text says 调减.
    pub value: Decimal,
    /// Decimals as written, in the tables' unit.
    pub decimals: u32,
    pub kind: Kind,
    /// The unit as written and what turns it into the tables' unit (`元`, 0.0001).
    pub unit: String,
    pub scale: Decimal,
    pub subject: Subject,
    pub column: Column,
    /// A stated change from the year before (`增加 0.21 万元`, `上升 4.46%`).
    pub change: Option<Direction>,
    /// Characters of the sentence it stands in.
    pub sentence: Range<usize>,
}

/// A stated total followed by the items it is made of.
#[derive(Debug, Clone)]
pub struct ItemList {
    /// Index of the total in the mentions.
    pub total: usize,
    pub items: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct Extracted {
    pub mentions: Vec<Mention>,
    pub lists: Vec<ItemList>,
}

/// Longest gap, in characters, between a phrase and its number.
const MAX_GAP: usize = 24;
/// A paragraph's heading (`1、预算情况：`) ends within this many characters.
const MAX_HEADING: usize = 12;
/// A clause without a phrase is a change when a change word stands in its first characters.
const LEAD_CHARS: usize = 8;

pub fn extract(paragraphs: &[String], vocab: &Vocabulary) -> Extracted {
    let phrases = text::Phrases::new(vocab);
    let mut out = Extracted::default();
    for (para, raw) in paragraphs.iter().enumerate() {
        let t = Text::new(raw);
        let first = out.mentions.len();
        let numbers = t.numbers(vocab);
        let found = phrases.find(&t);
        for (i, n) in numbers.iter().enumerate() {
            let prev_end = if i == 0 { 0 } else { numbers[i - 1].span.end };
            let earlier = &out.mentions[first..];
            let m = read_mention(&t, para, n, prev_end, &found, earlier, vocab);
            out.mentions.push(m);
        }
        let lists = item_lists(&t, &out.mentions[first..], vocab);
        out.lists.extend(lists.into_iter().map(|l| ItemList {
            total: first + l.total,
            items: l.items.into_iter().map(|i| first + i).collect(),
        }));
    }
    out
}

/// Gives a number its subject, column and change from the words before it.
fn read_mention(
    t: &Text,
    para: usize,
    n: &text::Number,
    prev_end: usize,
    found: &[text::Found],
    earlier: &[Mention],
    vocab: &Vocabulary,
) -> Mention {
    let sentence = t.sentence_of(n.span.start);
    let clause = t.clause_start(n.span.start);
    let phrase = found
        .iter()
        .rev()
        .find(|p| p.span.end <= n.span.start && p.span.start >= clause.max(prev_end))
        .filter(|p| n.span.start - p.span.end <= MAX_GAP);
    let mut value = n.value;
    let (mut subject, mut change) = (Subject::None, None);
    if let Some(p) = phrase {
        let gap = t.slice(p.span.end..n.span.start);
        change = direction(&gap, vocab);
        subject = p.target;
        if let Subject::Figure(f) = subject {
            let words = t.slice(p.span.start..n.span.start);
            if vocab.figures[f]
                .negate
                .iter()
                .any(|w| words.contains(w.as_str()))
            {
                value = -value;
            }
        }
    } else {
        // `……增加 0.21 万元，上升 4.46%`, `公用经费 120 万元，比上年增加 10 万元`: a clause that
        // starts with a change is about the figure before it in the sentence.
        let lead = t.slice(clause..n.span.start.min(clause + LEAD_CHARS));
        let before = earlier
            .iter()
            .rev()
            .find(|m| m.sentence == sentence && matches!(m.subject, Subject::Figure(_)));
        if let (Some(dir), Some(m)) = (direction(&lead, vocab), before) {
            subject = m.subject;
            change = Some(dir);
        }
    }
    subject = fits(subject, n.kind, change.is_some(), vocab);
    if subject == Subject::None {
        change = None;
    }
    let column = match subject {
        // A figure of one field whatever the column.
        Subject::Figure(f) if !vocab.figures[f].any.is_empty() => Column::Final,
        Subject::Figure(f) => column_of(t, n.span.start, sentence.start, found, vocab)
            .unwrap_or(vocab.figures[f].default),
        _ => Column::Final,
    };
    Mention {
        para,
        span: n.span.clone(),
        value,
        decimals: n.decimals,
        kind: n.kind,
        unit: n.unit.clone(),
        scale: n.scale,
        subject,
        column,
        change,
        sentence,
    }
}

/// Keeps a subject only when the number's unit suits it: an amount for an amount, a rate for a
/// rate or for the rate of a change.
fn fits(subject: Subject, kind: Kind, change: bool, vocab: &Vocabulary) -> Subject {
    match subject {
        Subject::Figure(f) if vocab.figures[f].kind == kind => subject,
        Subject::Figure(_) if change && kind == Kind::Rate => subject,
        Subject::Rate(_) if kind == Kind::Rate && !change => subject,
        _ => Subject::None,
    }
}

fn direction(text: &str, vocab: &Vocabulary) -> Option<Direction> {
    let last = |words: &[String]| words.iter().filter_map(|w| text.rfind(w.as_str())).max();
    match (last(&vocab.increase), last(&vocab.decrease)) {
        (Some(u), Some(d)) => Some(if u > d {
            Direction::Up
        } else {
            Direction::Down
        }),
        (Some(_), None) => Some(Direction::Up),
        (None, Some(_)) => Some(Direction::Down),
        (None, None) => None,
    }
}

/// The column the last column word of the sentence before `at` names (words inside a phrase,
/// like 预算 in 公共财政预算拨款, do not count), or else the paragraph's heading's.
fn column_of(
    t: &Text,
    at: usize,
    sentence_start: usize,
    found: &[text::Found],
    vocab: &Vocabulary,
) -> Option<Column> {
    let last = |range: Range<usize>| {
        t.words(range, vocab.columns.all())
            .into_iter()
            .filter(|(span, _)| {
                !found
                    .iter()
                    .any(|f| f.span.start <= span.start && span.end <= f.span.end)
            })
            .map(|(_, c)| c)
            .next_back()
    };
    last(sentence_start..at).or_else(|| {
        let colon = t.first_colon()?;
        (colon <= MAX_HEADING && colon < sentence_start.max(at))
            .then(|| last(0..colon))
            .flatten()
    })
}

/// Totals followed by a list opener (`：`, `其中`, `具体情况为：`) and the items after them: the
/// numbered items (`（1）…（2）…`) in order, or else the amounts up to the end of the sentence.
fn item_lists(t: &Text, mentions: &[Mention], vocab: &Vocabulary) -> Vec<ItemList> {
    let mut out = Vec::new();
    let amount = |m: &Mention| m.kind == Kind::Amount && m.change.is_none();
    for (ti, total) in mentions.iter().enumerate() {
        if !amount(total) {
            continue;
        }
        let Some(start) = t.list_opening(total.span.end, &vocab.list_openers) else {
            continue;
        };
        let after = |from: usize, to: usize| {
            mentions
                .iter()
                .enumerate()
                .filter(move |(_, m)| amount(m) && m.span.start >= from && m.span.start < to)
        };
        let items: Vec<usize> = if t.marker_at(start) == Some(1) {
            t.numbered_items(start)
                .into_iter()
                .filter_map(|r| after(r.start, r.end).map(|(i, _)| i).next())
                .collect()
        } else {
            let end = t.list_end(start);
            after(start, end).map(|(i, _)| i).collect()
        };
        if items.len() >= 2 {
            out.push(ItemList { total: ti, items });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract_one(text: &str) -> Extracted {
        extract(&[text.to_string()], Vocabulary::get())
    }

    fn figure(name: &str) -> Subject {
        Subject::Figure(Vocabulary::get().figure(name).unwrap())
    }

    #[test]
    fn a_phrase_a_number_and_a_unit_with_the_column_from_the_sentence() {
        let e = extract_one("2024 年初批复预算的“三公”经费为 4.92 万元，其中公务接待 1.9 万元，公务用车 3.02 万元。");
        let m = &e.mentions;
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].subject, figure("sangong"));
        assert_eq!(m[0].column, Column::Initial);
        assert_eq!(m[0].value, Decimal::new(492, 2));
        assert_eq!(m[1].subject, figure("reception"));
        assert_eq!(m[2].column, Column::Initial);
        assert_eq!(e.lists.len(), 1);
        assert_eq!(e.lists[0].items, vec![1, 2]);
    }

    #[test]
    fn a_stated_change_and_its_rate() {
        let e = extract_one("“三公”经费比 2023 年增加 0.21 万元，上升 4.46%。");
        let m = &e.mentions;
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].change, Some(Direction::Up));
        assert_eq!(m[1].change, Some(Direction::Up));
        assert_eq!(m[1].subject, figure("sangong"));
        assert_eq!(m[1].kind, Kind::Rate);
    }

    #[test]
    fn numbered_items_cross_sentences_and_nested_lists_stay_apart() {
        let e = extract_one(
            "支出 10 万元，具体情况为：（1）甲 4 万元：子 1 万元，丑 3 万元。（2）乙 6 万元。",
        );
        let sums: Vec<(usize, usize)> = e.lists.iter().map(|l| (l.total, l.items.len())).collect();
        assert_eq!(sums, vec![(0, 2), (1, 2)]);
        assert_eq!(e.lists[0].items, vec![1, 4]);
    }

    #[test]
    fn unrelated_percentages_and_counts_have_no_subject() {
        let e = extract_one(
            "政府采购执行率 100%，出动执法人员 1000 余人次，“三公经费”控制在 100%以内。",
        );
        assert!(e.mentions.iter().all(|m| m.subject == Subject::None));
    }

    #[test]
    fn a_cut_makes_the_figure_negative() {
        let e = extract_one("2、预算调整：年终调减基本支出 157.36 万元。");
        assert_eq!(e.mentions[0].subject, figure("adjustment"));
        assert_eq!(e.mentions[0].value, Decimal::new(-15736, 2));
    }

    #[test]
    fn the_heading_names_the_column_when_the_sentence_does_not() {
        let e = extract_one(
            "1、预算情况：收入 1 万元。预算支出 2376.33 万元，其中：基本支出 2376.33 万元。",
        );
        let total = e
            .mentions
            .iter()
            .find(|m| m.subject == figure("budget_total"))
            .unwrap();
        assert_eq!(total.column, Column::Initial);
    }
}
