//! Check stage: the arithmetic rules of the template, expanded over the located fields and
//! evaluated in decimal arithmetic at the precision each cell shows (RULES.md §3).

pub mod coverage;
pub mod rules;
pub mod units;

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::expr::{Cmp, Expr, Func, Style};
use crate::extract::value::{format_number, round_half_up, Num, Reading};
use crate::extract::Figures;
use crate::i18n::Message;
use crate::locate::Layout;
use crate::model::{CellPos, FieldKey, FieldMap, Name, RuleId, Severity};
use crate::template::{Kind, Template};

/// One rule applied to concrete cells (one column of the 经费控制情况 block, say).
#[derive(Debug, Clone)]
pub struct Check {
    pub id: RuleId,
    /// What messages call it, in the run's language.
    pub name: Message,
    pub lhs: Expr<FieldKey>,
    pub cmp: Cmp,
    pub rhs: Expr<FieldKey>,
    pub severity: Severity,
    pub unexplained: Severity,
    /// Where a failure is reported when no cell is chosen: the lhs cell or the template's anchor.
    pub anchor: Option<FieldKey>,
    /// Every field the rule reads, left side first (computed once: blame asks often).
    keys: Vec<FieldKey>,
    /// How many of `keys` the left side reads.
    lhs_refs: usize,
    /// The fields it can be solved for, each with whether it is the derived cell.
    solvable: Vec<(FieldKey, bool)>,
    pub form: Form,
    /// How a message states the right side, when not by its figures ("5 × 5% ÷ 6.2%").
    pub explain: Option<Message>,
    /// The index in [`Template::rules`] of the template rule it was expanded from; None for a
    /// rule of the code (the indicator rows').
    pub template_rule: Option<usize>,
    /// Cells the rule reads besides its fields (an indicator's target and actual value).
    pub cells: Vec<CellPos>,
}

/// How a check's two sides are compared, and what a failure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `lhs cmp rhs` at the precision the lhs cell shows; an equality can be solved for its
    /// cells, an inequality for none.
    Rule,
    /// A bound on a score (S8): solved for the score, it takes the bound.
    Bound,
    /// A proportional score (S6, `score = rhs`): above the rhs, or the rhs truncated, is wrong;
    /// below it is a judgement call ([`Outcome::Judged`]).
    Proportional,
    /// A judgement call (S5, S7): never repaired, but no repair may break it.
    Judgement,
}

impl Check {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: RuleId,
        name: impl Into<Message>,
        lhs: Expr<FieldKey>,
        cmp: Cmp,
        rhs: Expr<FieldKey>,
        severity: Severity,
        unexplained: Severity,
        anchor: Option<FieldKey>,
    ) -> Check {
        let mut keys: Vec<FieldKey> = lhs.refs().into_iter().copied().collect();
        let lhs_refs = keys.len();
        keys.extend(rhs.refs().into_iter().copied());
        let solvable = solvable_keys(&lhs, cmp, &rhs);
        Check {
            form: Form::Rule,
            explain: None,
            template_rule: None,
            cells: Vec::new(),
            id,
            name: name.into(),
            lhs,
            cmp,
            rhs,
            severity,
            unexplained,
            anchor,
            keys,
            lhs_refs,
            solvable,
        }
    }

    /// This check compared as `form` says; a bound or proportional score is solved for its
    /// left side alone.
    pub fn with_form(mut self, form: Form) -> Check {
        self.form = form;
        self.solvable = match (form, self.lhs_key()) {
            (Form::Rule, _) => solvable_keys(&self.lhs, self.cmp, &self.rhs),
            (Form::Bound | Form::Proportional, Some(k)) => vec![(k, true)],
            _ => Vec::new(),
        };
        self
    }

    /// This check with the right side stated as `text` in messages.
    pub fn explained(mut self, text: impl Into<Message>) -> Check {
        self.explain = Some(text.into());
        self
    }

    /// This check as expanded from the template rule at `index` of [`Template::rules`].
    pub fn expanded_from(mut self, index: usize) -> Check {
        self.template_rule = Some(index);
        self
    }

    /// This check reading `cells` besides its fields.
    pub fn involving(mut self, cells: Vec<CellPos>) -> Check {
        self.cells = cells;
        self
    }

    /// The derived cell: the left side when it is a single field.
    pub fn lhs_key(&self) -> Option<FieldKey> {
        match &self.lhs {
            Expr::Ref(k) => Some(*k),
            _ => None,
        }
    }

    pub fn keys(&self) -> &[FieldKey] {
        &self.keys
    }

    /// The cells this check can be solved for, each with whether it is the derived cell.
    pub fn solvable(&self) -> impl Iterator<Item = (FieldKey, bool)> + '_ {
        self.solvable.iter().copied()
    }
}

fn solvable_keys(lhs: &Expr<FieldKey>, cmp: Cmp, rhs: &Expr<FieldKey>) -> Vec<(FieldKey, bool)> {
    let Expr::Ref(lhs) = lhs else {
        return Vec::new();
    };
    if cmp != Cmp::Eq {
        return Vec::new();
    }
    let mut out = vec![(*lhs, true)];
    if let Some(terms) = rhs.linear_terms() {
        for (_, term) in terms {
            if let Expr::Ref(k) = term {
                if k != lhs {
                    out.push((*k, false));
                }
            }
        }
    }
    out
}

/// The values checks work on: every located numeric field, blank or not. Cloning copies only
/// the values; the keys and formats are shared (blame tries many repairs on copies).
#[derive(Debug, Clone)]
pub struct Values {
    fields: Arc<Fields>,
    /// By field index; a blank cell has value None.
    values: Vec<Option<Decimal>>,
}

#[derive(Debug)]
struct Fields {
    /// key → shown format.
    formats: FieldMap<FieldKey, Num>,
    /// Fields on the sheet whose cell cannot be read: rules that need them are not evaluated.
    unreadable: Vec<FieldKey>,
}

/// How a field not on the sheet is shown.
static ABSENT_FORMAT: Num = Num {
    value: Decimal::ZERO,
    percent: false,
    decimals: 2,
    unit: String::new(),
};

impl Values {
    pub fn from_figures(figures: &Figures) -> Values {
        let mut formats =
            FieldMap::with_capacity_and_hasher(figures.by_key.len(), Default::default());
        let mut values = Vec::with_capacity(figures.by_key.len());
        for (key, fig) in &figures.by_key {
            let (format, value) = match &fig.reading {
                Reading::Quantity { cmp: None, num } => (num.clone(), Some(num.value)),
                _ => (default_num(fig.cell.kind), None),
            };
            formats.insert(*key, format);
            values.push(value);
        }
        Values {
            fields: Arc::new(Fields {
                formats,
                unreadable: figures.unreadable.clone(),
            }),
            values,
        }
    }

    /// Where `key` lives in these values and in every clone of them.
    pub fn slot(&self, key: &FieldKey) -> Slot {
        Slot {
            index: self.fields.formats.get_index_of(key),
            unreadable: self.fields.unreadable.contains(key),
        }
    }

    /// A field not on the sheet at all counts as blank.
    pub fn get(&self, key: &FieldKey) -> Lookup {
        self.get_at(self.slot(key))
    }

    pub fn get_at(&self, slot: Slot) -> Lookup {
        if slot.unreadable {
            return Lookup::Unknown;
        }
        Lookup::Known(slot.index.and_then(|i| self.values[i]))
    }

    /// The value of a field, or None when it is blank, not on the sheet, or unreadable.
    pub fn number(&self, key: &FieldKey) -> Option<Decimal> {
        match self.get(key) {
            Lookup::Known(v) => v,
            Lookup::Unknown => None,
        }
    }

    pub fn format(&self, key: &FieldKey) -> &Num {
        self.fields.formats.get(key).unwrap_or(&ABSENT_FORMAT)
    }

    pub fn format_at(&self, slot: Slot) -> &Num {
        slot.index
            .map_or(&ABSENT_FORMAT, |i| &self.fields.formats[i])
    }

    pub fn set(&mut self, key: &FieldKey, value: Decimal) {
        self.set_at(self.slot(key), value);
    }

    pub fn set_at(&mut self, slot: Slot, value: Decimal) {
        if let Some(i) = slot.index {
            self.values[i] = Some(value);
        }
    }
}

/// A field resolved against a [`Values`]: valid for it and for its clones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// None when the field is not on the sheet.
    index: Option<usize>,
    unreadable: bool,
}

pub enum Lookup {
    Known(Option<Decimal>),
    /// Not on the sheet, or not readable as a number.
    Unknown,
}

/// How a blank cell of a kind is shown once filled.
pub fn default_num(kind: Kind) -> Num {
    match kind {
        Kind::Rate => Num {
            value: Decimal::ZERO,
            percent: true,
            decimals: 2,
            unit: String::new(),
        },
        Kind::Count => Num {
            value: Decimal::ZERO,
            percent: false,
            decimals: 0,
            unit: String::new(),
        },
        _ => Num {
            value: Decimal::ZERO,
            percent: false,
            decimals: 2,
            unit: String::new(),
        },
    }
}

/// Expands the template's rules over the fields located in this workbook.
pub fn expand(template: &Template, layout: &Layout) -> Vec<Check> {
    let mut out = Vec::new();
    for (index, def) in template.rules.iter().enumerate() {
        let (lhs, rhs) = (&def.keyed.lhs, &def.keyed.rhs);
        let columns = columns_read(layout, lhs.refs().into_iter().chain(rhs.refs()));
        let column_list: Vec<Option<Name>> = if columns.is_empty() {
            vec![None]
        } else {
            columns.into_iter().map(Some).collect()
        };
        for column in column_list {
            let mut resolve = |name: &FieldKey| resolve_ref(layout, *name, column);
            let lhs = lhs.map_refs(&mut resolve);
            let rhs = rhs.map_refs(&mut resolve);
            // A rule whose derived cell is not on the sheet, or that reads a 绩效指标 table
            // without rows, does not apply (coverage says so).
            if let Expr::Ref(k) = &lhs {
                if !layout.fields.contains_key(k) {
                    continue;
                }
            }
            if layout.indicators.is_empty() && reads_indicators(&lhs, &rhs) {
                continue;
            }
            let (lhs, rhs) = units::in_wan(layout, lhs, rhs);
            let anchor = def
                .anchor
                .iter()
                .map(|a| FieldKey::parse(a))
                .find(|a| layout.fields.contains_key(a));
            let check = Check::new(
                def.id.clone(),
                def.title(),
                lhs,
                def.keyed.cmp,
                rhs,
                def.severity,
                def.unexplained,
                anchor,
            );
            out.push(check.expanded_from(index));
        }
    }
    out
}

/// Whether a rule reads the 绩效指标 rows (`ind.points`, `ind.score`).
pub fn reads_indicators(lhs: &Expr<FieldKey>, rhs: &Expr<FieldKey>) -> bool {
    lhs.refs()
        .into_iter()
        .chain(rhs.refs())
        .any(|k| k.field.as_str() == "ind")
}

/// The column suffixes of the fields a rule reads (of a repeated field, its first instance's),
/// each once, in the order met.
fn columns_read<'a>(layout: &Layout, names: impl Iterator<Item = &'a FieldKey>) -> Vec<Name> {
    let mut columns: Vec<Name> = Vec::new();
    for name in names {
        let cols = layout.columns.get(name).or_else(|| {
            layout
                .repeats
                .get(&name.repeated())
                .and_then(|r| r.first())
                .and_then(|i| layout.columns.get(i))
        });
        for c in cols.into_iter().flatten() {
            if !columns.contains(c) {
                columns.push(*c);
            }
        }
    }
    columns
}

fn resolve_ref(layout: &Layout, name: FieldKey, column: Option<Name>) -> Expr<FieldKey> {
    if layout.fields.contains_key(name) {
        return Expr::Ref(name);
    }
    let sum_of = |instances: &[FieldKey], column: Name| {
        let terms = instances.iter().map(|i| Expr::Ref(i.with_column(column)));
        Expr::Call(Func::Sum, terms.collect())
    };
    if let Some(col) = column {
        if layout.columns.contains_key(&name) {
            return Expr::Ref(name.with_column(col));
        }
        if let Some(instances) = layout.repeats.get(&name) {
            return sum_of(instances, col);
        }
    }
    if let Some((base, attr)) = name.split_column() {
        if let Some(instances) = layout.repeats.get(&base) {
            return sum_of(instances, attr);
        }
    }
    // Not on this sheet: blank.
    Expr::Ref(name)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Holds,
    /// The rule fails; `expected` is the right side's exact value.
    Fails {
        expected: Decimal,
    },
    /// The derived cell is blank and can be computed.
    Missing {
        expected: Decimal,
    },
    /// A judgement call does not hold: worth a warning, not a repair.
    Judged,
    /// Not enough filled cells to say.
    Skipped,
}

/// Evaluates the right side, or None when a cell it needs is unknown or blank.
pub fn eval_side(expr: &Expr<FieldKey>, values: &Values) -> Option<Option<Decimal>> {
    eval_in(expr, values, None)
}

/// [`eval_side`], taking the slots of the references from `slots` when given, in the order
/// of [`Expr::refs`] (the order [`Expr::eval_each`] meets them).
fn eval_in(
    expr: &Expr<FieldKey>,
    values: &Values,
    slots: Option<&[Slot]>,
) -> Option<Option<Decimal>> {
    let unknown = std::cell::Cell::new(false);
    let next = std::cell::Cell::new(0);
    let env = |e: &Expr<FieldKey>, out: &mut dyn FnMut(Option<Decimal>)| match e {
        Expr::Ref(k) => {
            let slot = slots
                .and_then(|s| s.get(next.get()).copied())
                .unwrap_or_else(|| values.slot(k));
            next.set(next.get() + 1);
            match values.get_at(slot) {
                Lookup::Known(v) => out(v),
                Lookup::Unknown => {
                    unknown.set(true);
                    out(None)
                }
            }
        }
        // Two names in `refs`.
        Expr::Range(..) => {
            next.set(next.get() + 2);
            out(None)
        }
        _ => out(None),
    };
    let v = expr.eval_each(&env);
    if unknown.get() {
        None
    } else {
        Some(v)
    }
}

/// Compares at the precision the derived cell shows.
pub fn evaluate(check: &Check, values: &Values) -> Outcome {
    evaluate_in(check, values, None)
}

/// [`evaluate`] with the slots of [`Check::keys`] resolved beforehand against `values` (or a
/// value set they were cloned from or to).
pub fn evaluate_at(check: &Check, slots: &[Slot], values: &Values) -> Outcome {
    evaluate_in(check, values, Some(slots))
}

fn evaluate_in(check: &Check, values: &Values, slots: Option<&[Slot]>) -> Outcome {
    let (lhs_slots, rhs_slots) = match slots {
        Some(s) => {
            let (l, r) = s.split_at(check.lhs_refs);
            (Some(l), Some(r))
        }
        None => (None, None),
    };
    let Some(rhs) = eval_in(&check.rhs, values, rhs_slots) else {
        return Outcome::Skipped;
    };
    let Some(rhs) = rhs else {
        return Outcome::Skipped;
    };
    match &check.lhs {
        Expr::Ref(key) => {
            let slot = lhs_slots.map_or_else(|| values.slot(key), |s| s[0]);
            let Lookup::Known(lhs) = values.get_at(slot) else {
                return Outcome::Skipped;
            };
            let format = values.format_at(slot);
            match lhs {
                None if check.cmp == Cmp::Eq && check.form == Form::Rule => {
                    Outcome::Missing { expected: rhs }
                }
                None => Outcome::Skipped,
                Some(lhs) => compare(check, lhs, rhs, format),
            }
        }
        other => {
            let Some(Some(lhs)) = eval_in(other, values, lhs_slots) else {
                return Outcome::Skipped;
            };
            let format = default_num(Kind::Score);
            if holds(lhs, rhs, check.cmp, &format) {
                Outcome::Holds
            } else {
                Outcome::Fails { expected: rhs }
            }
        }
    }
}

fn compare(check: &Check, lhs: Decimal, rhs: Decimal, format: &Num) -> Outcome {
    let fails = Outcome::Fails { expected: rhs };
    match check.form {
        _ if holds(lhs, rhs, check.cmp, format) => Outcome::Holds,
        Form::Rule | Form::Bound => fails,
        Form::Proportional if lhs > rhs || truncated(lhs, rhs, format) => fails,
        Form::Proportional | Form::Judgement => Outcome::Judged,
    }
}

fn shown(value: Decimal, format: &Num) -> Decimal {
    let v = if format.percent {
        value * Decimal::ONE_HUNDRED
    } else {
        value
    };
    round_half_up(v, format.decimals)
}

pub fn holds(lhs: Decimal, rhs: Decimal, cmp: Cmp, format: &Num) -> bool {
    let (a, b) = (shown(lhs, format), shown(rhs, format));
    match cmp {
        Cmp::Eq => a == b,
        Cmp::Ge => a >= b,
        Cmp::Le => a <= b,
    }
}

/// The filed value is the exact value truncated at the shown precision instead of rounded
/// (99.54% for 99.548%): the one cause of a `rounding` finding (RULES.md §5).
pub fn truncated(found: Decimal, exact: Decimal, format: &Num) -> bool {
    let scale = if format.percent {
        Decimal::ONE_HUNDRED
    } else {
        Decimal::ONE
    };
    let cut = (exact * scale).trunc_with_scale(format.decimals);
    let found = shown(found, format);
    found == cut && found != shown(exact, format)
}

/// The value a derived cell should hold, rounded as it is shown, in stored units.
pub fn stored(value: Decimal, format: &Num) -> Decimal {
    if format.percent {
        round_half_up(value, format.decimals + 2)
    } else {
        round_half_up(value, format.decimals)
    }
}

pub fn display(value: Decimal, format: &Num) -> String {
    format_number(value, format.percent, format.decimals)
}

/// The right side with the figures in it: "158 ÷ 198", "3.8 + 0 + 1.9".
pub fn render(expr: &Expr<FieldKey>, values: &Values) -> String {
    let figure = |key: &FieldKey| match values.get(key) {
        Lookup::Known(Some(v)) => {
            let f = values.format(key);
            if f.percent {
                display(v, f)
            } else {
                v.normalize().to_string()
            }
        }
        _ => "0".into(),
    };
    expr.print(&Style::Figures(&figure))
}

/// The template's rules expanded over a workbook's fields and evaluated on its values.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub checks: Vec<Check>,
    /// The values with the blank derived cells filled ([`fill_missing`]).
    pub values: Values,
    /// The blank derived cells filled, in the order filled.
    pub filled: Vec<MissingCell>,
    /// By check: whether it holds on `values`, fails, or cannot be said.
    pub outcomes: Vec<Outcome>,
}

impl Evaluation {
    /// Expands the template's rules over `layout`, adds the indicator rows' scoring rules
    /// (S5–S8), fills the blank derived cells of `values` and evaluates every check.
    pub fn new(
        template: &Template,
        layout: &Layout,
        figures: &Figures,
        mut values: Values,
    ) -> Evaluation {
        let mut checks = expand(template, layout);
        checks.extend(rules::indicators::scoring_checks(figures, layout, &values));
        let filled = fill_missing(&checks, &mut values);
        let outcomes = checks.iter().map(|c| evaluate(c, &values)).collect();
        Evaluation {
            checks,
            values,
            filled,
            outcomes,
        }
    }
}

/// A derived cell left blank whose rule can compute it.
#[derive(Debug, Clone)]
pub struct MissingCell {
    pub check: usize,
    pub key: FieldKey,
    pub expected: Decimal,
}

/// Fills blank derived cells from their rules, innermost first, so that a subtotal left blank
/// takes part in the totals above it. Returns what was filled.
pub fn fill_missing(checks: &[Check], values: &mut Values) -> Vec<MissingCell> {
    let mut filled: Vec<MissingCell> = Vec::new();
    loop {
        let mut changed = false;
        for (i, check) in checks.iter().enumerate() {
            if let Outcome::Missing { expected } = evaluate(check, values) {
                let Some(key) = check.lhs_key() else { continue };
                let format = values.format(&key);
                values.set(&key, stored(expected, format));
                filled.push(MissingCell {
                    check: i,
                    key,
                    expected,
                });
                changed = true;
            }
        }
        if !changed || filled.len() > checks.len() {
            return filled;
        }
    }
}
