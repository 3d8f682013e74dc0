//! The report's checks: R1 a figure of the text differs from the table, R2 listed items do not
//! add up to the stated total, R3 a stated rate or change differs from the one its figures give.
//! Rounding is told apart as in RULES.md §5: a figure that is the exact one truncated.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::extract::value::round_half_up;
use crate::i18n::frame::Frame;
use crate::i18n::narrative::DocMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Message};
use crate::model::{CellPos, Finding, Kind, Severity, TextPlace};
use crate::narrative::figures::{Direction, Extracted, ItemList, Mention, Subject};
use crate::narrative::tables::{TableCell, Tables};
use crate::narrative::vocabulary::{parse_ref, Column, Vocabulary};
use crate::narrative::Document;

/// Characters of a sentence kept in a finding's quote.
const QUOTE_CHARS: usize = 48;

pub struct Context<'a> {
    pub doc: &'a Document,
    pub found: &'a Extracted,
    pub tables: Option<&'a Tables>,
    pub vocab: &'a Vocabulary,
}

/// How a stated figure compares with the one it should be.
#[derive(Debug, PartialEq, Eq)]
enum Agreement {
    Same,
    /// The exact figure truncated at the stated precision.
    Truncated,
    Differs,
}

fn compare(stated: Decimal, decimals: u32, exact: Decimal) -> Agreement {
    if round_half_up(exact, decimals) == stated {
        Agreement::Same
    } else if exact.trunc_with_scale(decimals) == stated {
        Agreement::Truncated
    } else {
        Agreement::Differs
    }
}

fn shown(value: Decimal, decimals: u32) -> String {
    format!("{:.*}", decimals as usize, round_half_up(value, decimals))
}

fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// The tables' unit of `kind` as the report writes it (`expected` is a figure to write there).
fn unit_written(kind: Kind) -> &'static str {
    match kind {
        Kind::Amount => " 万元",
        Kind::Rate => "%",
        Kind::Count => " 人",
        Kind::Score => "",
    }
}

/// The tables' unit of `kind` as a message says it.
fn unit(kind: Kind) -> Message {
    match kind {
        Kind::Count => DocMsg::People.into(),
        _ => unit_written(kind).into(),
    }
}

impl Context<'_> {
    /// Characters of a paragraph as written.
    fn written(&self, para: usize, range: Range<usize>) -> String {
        let text = &self.doc.paragraphs[para];
        text.chars().skip(range.start).take(range.len()).collect()
    }

    fn stated(&self, m: &Mention) -> String {
        self.written(m.para, m.span.clone()).trim().to_string()
    }

    fn place(&self, m: &Mention) -> TextPlace {
        let sentence = self.written(m.para, m.sentence.clone());
        let sentence = sentence.trim();
        let quote = if sentence.chars().count() > QUOTE_CHARS {
            let cut: String = sentence.chars().take(QUOTE_CHARS).collect();
            format!("{cut}…")
        } else {
            sentence.to_string()
        };
        TextPlace {
            document: self.doc.path.display().to_string(),
            paragraph: m.para + 1,
            quote,
            sentence: m.sentence.clone(),
            figure: m.span.clone(),
        }
    }

    fn finding(
        &self,
        m: &Mention,
        severity: Severity,
        check: &str,
        expected: Option<String>,
        message: Message,
    ) -> Finding {
        Finding {
            sheet: String::new(),
            cell: CellPos::NONE,
            severity,
            check: check.into(),
            found: self.stated(m),
            expected,
            message,
            involves: Vec::new(),
            replacement: None,
            typo: None,
            text: Some(self.place(m)),
        }
    }

    /// A figure of the text as a message names it, with its unit; as written too when the text
    /// uses another unit than the tables (`22,049,500 元（合 2204.95 万元）`).
    fn named(&self, m: &Mention) -> Message {
        let counted = Message::from(plain(m.value)).then(unit(m.kind));
        if m.scale == Decimal::ONE {
            counted
        } else {
            msg!(DocMsg::InTablesUnit, self.stated(m), counted)
        }
    }

    /// `value`, in the tables' unit with `decimals`, written in the unit `m` is written in.
    fn in_text_unit(&self, m: &Mention, value: Decimal, decimals: u32) -> String {
        let decimals = decimals.saturating_sub(m.scale.normalize().scale());
        format!("{} {}", shown(value / m.scale, decimals), m.unit)
    }

    /// A figure's value for a rate or change: the text's first statement of it, else the table's.
    fn value_of(&self, figure: usize, column: Column) -> Option<(Decimal, Message)> {
        let stated = self.found.mentions.iter().find(|m| {
            m.subject == Subject::Figure(figure) && m.change.is_none() && m.column == column
        });
        if let Some(m) = stated {
            return Some((m.value, msg!(DocMsg::Paragraph, m.para + 1)));
        }
        let keys = self.vocab.figures[figure].fields_for(column);
        let (_, cell) = self.tables?.first(keys)?;
        Some((cell.value()?, cell.place().into()))
    }
}

/// Every finding of the report, R1 on repeated statements said once with the other paragraphs.
pub fn run(cx: &Context) -> Vec<Finding> {
    let mut out: Vec<Said> = Vec::new();
    for list in &cx.found.lists {
        out.extend(items_add_up(cx, list).map(Said::once));
    }
    for m in &cx.found.mentions {
        let finding = match (m.subject, m.change) {
            (Subject::Figure(f), Some(dir)) => change(cx, m, f, dir),
            (Subject::Figure(f), None) => cx.tables.and_then(|t| {
                let keys = cx.vocab.figures[f].fields_for(m.column);
                t.first(keys)
                    .and_then(|(_, cell)| against_table(cx, m, cell))
            }),
            (Subject::Rate(r), _) => rate(cx, m, r),
            (Subject::None, _) => None,
        };
        if let Some(f) = finding {
            merge(&mut out, f);
        }
    }
    let mut out: Vec<Finding> = out.into_iter().map(Said::finding).collect();
    out.sort_by_key(|f| f.text.as_ref().map(|t| (t.paragraph, t.figure.start)));
    out
}

/// A finding and the other paragraphs that say the same.
struct Said {
    finding: Finding,
    also_in: Vec<usize>,
}

impl Said {
    fn once(finding: Finding) -> Said {
        Said {
            finding,
            also_in: Vec::new(),
        }
    }

    /// The finding, its message naming the other paragraphs (`（第 3、5 段同）`).
    fn finding(self) -> Finding {
        let mut f = self.finding;
        let key = match self.also_in.len() {
            0 => return f,
            1 => DocMsg::SameInOne,
            _ => DocMsg::SameInMany,
        };
        let paragraphs = self.also_in.into_iter().map(Message::from);
        f.message
            .push(msg!(key, Message::join(paragraphs, Word::ListSep)));
        f
    }
}

/// Keeps one finding per check, figure and expected value, with the other paragraphs.
fn merge(out: &mut Vec<Said>, f: Finding) {
    let same = out.iter_mut().find(|s| {
        let g = &s.finding;
        g.check == f.check
            && g.found == f.found
            && g.expected == f.expected
            && g.sheet == f.sheet
            && g.cell == f.cell
    });
    match same {
        Some(s) => s.also_in.push(f.text.as_ref().map_or(0, |t| t.paragraph)),
        None => out.push(Said::once(f)),
    }
}

/// R1: the text's figure against the table's cell, at the precision both give (a figure
/// written in 元 is compared with the table's 万元 rounded as the table rounds them).
fn against_table(cx: &Context, m: &Mention, cell: &TableCell) -> Option<Finding> {
    let table_decimals = cell.decimals_shown().unwrap_or(u32::MAX).max(2);
    let decimals = m.decimals.min(table_decimals);
    let stated = round_half_up(m.value, decimals);
    let agrees = |v: Option<Decimal>| v.map(|v| compare(stated, decimals, v));
    let where_ = cell.place();
    let table_unit = if m.kind == Kind::Rate {
        Message::default()
    } else {
        unit(m.kind)
    };
    let filed = match cell.filed {
        None => Frame::Blank.into(),
        Some(_) => Message::from(&cell.shown).then(&table_unit),
    };
    let text = cx.named(m);
    // The figure the text should read, in the text's unit.
    let to_write = |v: Decimal, shown_as: String| {
        if m.scale == Decimal::ONE {
            shown_as
        } else {
            cx.in_text_unit(m, v, table_decimals)
        }
    };
    let (severity, expected, message) = match (agrees(cell.corrected), agrees(cell.filed)) {
        (_, Some(Agreement::Same)) if cell.corrected.is_none() => return None,
        // A blank cell the tables fill with the text's figure: the missing finding says it.
        (Some(Agreement::Same), None) => return None,
        (Some(Agreement::Same), filed_agrees) => {
            if filed_agrees == Some(Agreement::Same) {
                return None;
            }
            (
                Severity::Warning,
                Some(to_write(cell.filed?, cell.shown.clone())),
                msg!(
                    DocMsg::TextSupportsFix,
                    &cell.label,
                    text,
                    where_,
                    filed,
                    plain(cell.corrected?),
                    table_unit
                ),
            )
        }
        (Some(a), _) => {
            let right = cell.corrected?;
            let right_shown = shown(right, m.decimals.max(2).min(table_decimals));
            (
                severity_of(&a),
                Some(to_write(right, right_shown.clone())),
                msg!(
                    DocMsg::TextAgainstFix,
                    &cell.label,
                    text,
                    where_,
                    filed,
                    right_shown,
                    table_unit
                ),
            )
        }
        (None, Some(a)) => (
            severity_of(&a),
            Some(to_write(cell.filed?, cell.shown.clone())),
            msg!(DocMsg::TextDiffers, &cell.label, text, where_, filed),
        ),
        (None, None) => return None,
    };
    let mut f = cx.finding(m, severity, "R1", expected, message);
    f.sheet = cell.sheet.clone();
    f.cell = cell.pos;
    Some(f)
}

fn severity_of(a: &Agreement) -> Severity {
    match a {
        Agreement::Truncated => Severity::Rounding,
        _ => Severity::Error,
    }
}

/// R2: the items listed after a total add up to it.
fn items_add_up(cx: &Context, list: &ItemList) -> Option<Finding> {
    let total = &cx.found.mentions[list.total];
    let items: Vec<&Mention> = list.items.iter().map(|&i| &cx.found.mentions[i]).collect();
    let sum: Decimal = items.iter().map(|m| m.value).sum();
    if sum == total.value {
        return None;
    }
    let decimals = items
        .iter()
        .map(|m| m.decimals)
        .max()
        .unwrap_or(0)
        .max(total.decimals);
    let shown_decimals = decimals.max(2);
    // Parts each rounded to the shown precision may miss the total by half a unit each.
    let slack = Decimal::new(5, decimals + 1) * Decimal::from(items.len());
    let severity = if (sum - total.value).abs() <= slack && decimals > 0 {
        Severity::Warning
    } else {
        Severity::Error
    };
    // Shown in the unit the text writes them in when it writes all of them in one.
    let scale = Some(total.scale)
        .filter(|s| items.iter().all(|m| m.scale == *s))
        .unwrap_or(Decimal::ONE);
    let (unit_shown, in_unit) = if scale == Decimal::ONE {
        (unit(Kind::Amount), Decimal::ONE)
    } else {
        (format!(" {}", total.unit).into(), scale)
    };
    let written = |v: Decimal| plain(v / in_unit);
    let parts: Vec<String> = items.iter().map(|m| written(m.value)).collect();
    let terms = if parts.len() > 8 {
        format!(
            "{} + … + {}",
            parts[..3].join(" + "),
            parts[parts.len() - 1]
        )
    } else {
        parts.join(" + ")
    };
    let mut message = msg!(
        DocMsg::ItemsDoNotAddUp,
        items.len(),
        terms,
        written(sum),
        unit_shown,
        written(total.value),
    );
    if severity == Severity::Warning {
        message.push(DocMsg::WithinRounding);
    }
    let expected = if in_unit == Decimal::ONE {
        shown(sum, shown_decimals)
    } else {
        cx.in_text_unit(total, sum, decimals)
    };
    Some(cx.finding(total, severity, "R2", Some(expected), message))
}

/// R3: a stated rate against its numerator and denominator.
fn rate(cx: &Context, m: &Mention, r: usize) -> Option<Finding> {
    let def = &cx.vocab.rates[r];
    let side = |text: &str| {
        let (name, column) = parse_ref(text);
        cx.vocab.figure(name).and_then(|f| cx.value_of(f, column))
    };
    let (num, den) = match (side(&def.numerator), side(&def.denominator)) {
        (Some(n), Some(d)) if !d.0.is_zero() => (n, d),
        // Without its figures the rate can still be held to the table's cell.
        _ => {
            let cell = cx.tables?.cells.get(def.field.as_deref()?)?;
            return against_table(cx, m, cell);
        }
    };
    let exact = (num.0 / den.0).abs() * Decimal::ONE_HUNDRED;
    let agreement = compare(m.value.abs(), m.decimals, exact);
    if agreement == Agreement::Same {
        return None;
    }
    let expected = format!("{}%", shown(exact, m.decimals.max(2)));
    let from = if num.1 == den.1 {
        msg!(DocMsg::FiguresFrom, num.1)
    } else {
        msg!(
            DocMsg::TwoFiguresFrom,
            plain(num.0.abs()),
            num.1,
            plain(den.0),
            den.1
        )
    };
    let mut message = msg!(
        DocMsg::RateDiffers,
        &def.phrases[0],
        plain(m.value),
        plain(num.0.abs()),
        plain(den.0),
        &expected,
        from
    );
    if agreement == Agreement::Truncated {
        message.push(DocMsg::Truncated);
    }
    if let Some(cell) = def.field.as_deref().and_then(|k| cx.tables?.cells.get(k)) {
        message.push(msg!(DocMsg::FiledInTable, cell.place(), &cell.shown));
    }
    Some(cx.finding(m, severity_of(&agreement), "R3", Some(expected), message))
}

/// R3: a stated change from the year before against this year's and last year's figures.
fn change(cx: &Context, m: &Mention, f: usize, dir: Direction) -> Option<Finding> {
    let (now, now_from) = cx.value_of(f, Column::Final)?;
    let (before, before_from) = cx.value_of(f, Column::Prev)?;
    let delta = now - before;
    let name = &cx.vocab.figures[f].phrases[0];
    let rate = m.kind == Kind::Rate;
    if rate && before.is_zero() {
        return None;
    }
    let exact = if rate {
        delta.abs() / before * Decimal::ONE_HUNDRED
    } else {
        delta.abs()
    };
    let went_up = delta > Decimal::ZERO;
    let wrong_way = !delta.is_zero() && went_up != (dir == Direction::Up);
    let agreement = compare(m.value.abs(), m.decimals, exact);
    if agreement == Agreement::Same && !wrong_way {
        return None;
    }
    let verb = if went_up {
        DocMsg::Increase
    } else {
        DocMsg::Decrease
    };
    let expected = format!(
        "{}{}",
        shown(exact, m.decimals.max(2)),
        unit_written(m.kind).trim()
    );
    let formula = if rate {
        format!("({} − {}) ÷ {}", plain(now), plain(before), plain(before))
    } else {
        format!("{} − {}", plain(now), plain(before))
    };
    let mut message = msg!(
        DocMsg::ChangeDiffers,
        name,
        plain(m.value),
        unit(m.kind),
        formula,
        verb,
        &expected,
        plain(now),
        now_from,
        plain(before),
        before_from
    );
    if agreement == Agreement::Truncated && !wrong_way {
        message.push(DocMsg::Truncated);
    }
    let severity = if wrong_way {
        Severity::Error
    } else {
        severity_of(&agreement)
    };
    Some(cx.finding(m, severity, "R3", Some(expected), message))
}
