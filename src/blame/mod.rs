//! Blame stage: for the failed rules, the smallest set of cells whose change makes every rule
//! hold (RULES.md §4, Fellegi–Holt). Between repairs of one size the cheapest wins: a cell's
//! weight is lowest when its change undoes a typing slip, then when it is a derived cell.

mod message;
mod typo;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::check::{evaluate_at, stored, Check, Evaluation, Form, Lookup, Outcome, Slot, Values};
use crate::expr::Expr;
use crate::extract::Figures;
use crate::locate::Layout;
use crate::model::{CellPos, FieldKey, Finding, Kind, Typo};
use message::{change_finding, missing_findings, unexplained_finding, Before};

/// Largest repair tried; beyond it the failure is reported on its derived cell.
const MAX_REPAIR: usize = 2;

/// Most cells a pair is chosen from, so that the pairs stay a few hundred.
const MAX_SUSPECTS: usize = 40;

/// Where field keys live, for naming cells in findings.
pub struct Places<'a> {
    pub layout: &'a Layout,
    /// The sheets' names and the text each field's cell shows.
    pub figures: &'a Figures,
}

impl Places<'_> {
    fn cell(&self, key: &FieldKey) -> Option<(String, CellPos, String)> {
        let f = self.layout.fields.get(key)?;
        let sheet = self.figures.sheet_name(f.sheet)?;
        Some((sheet.to_string(), f.pos, f.label.clone()))
    }

    fn shown(&self, key: &FieldKey) -> String {
        self.figures.shown(key).to_string()
    }

    /// Whether the field holds an amount in 万元.
    fn amount(&self, key: &FieldKey) -> bool {
        self.layout
            .fields
            .get(key)
            .is_some_and(|f| f.kind == Kind::Amount)
    }
}

/// What the checks' failures come to: the cells to change and to what, with the findings.
#[derive(Debug, Clone)]
pub struct Repair {
    /// The blank derived cells filled, then the cells the search changed, in the order decided.
    pub changes: Vec<CellChange>,
    /// A finding for each change, and one for each failure no repair explains.
    pub findings: Vec<Finding>,
    /// The values with every change made.
    pub values: Values,
}

/// A cell of a [`Repair`] and the value it should hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellChange {
    pub key: FieldKey,
    pub value: Decimal,
}

/// Fills the blank derived cells of the evaluation, then finds for the failed checks the
/// smallest changes that make every check hold. A blank cell is not filled from cells that a
/// failure no repair explains reads: its value would rest on a figure known to be off.
pub fn repair(evaluation: &Evaluation, places: &Places) -> Repair {
    let checks = &evaluation.checks;
    let searched = blame(evaluation, places);
    let undetermined = |check: &Check| {
        let keys = check.keys();
        searched
            .given_up
            .iter()
            .any(|&g| checks[g].keys().iter().any(|k| keys.contains(k)))
    };
    let filled: Vec<_> = evaluation
        .filled
        .iter()
        .filter(|m| !undetermined(&checks[m.check]))
        .collect();
    let values = &evaluation.values;
    let mut changes: Vec<CellChange> = filled
        .iter()
        .map(|m| CellChange {
            key: m.key,
            value: stored(m.expected, values.format(&m.key)),
        })
        .collect();
    changes.extend(searched.changes);
    let mut findings = missing_findings(checks, &filled, values, places);
    findings.extend(searched.findings);
    Repair {
        changes,
        findings,
        values: searched.values,
    }
}

/// A cell changed by a repair, with the rule that fixed its value.
#[derive(Debug, Clone)]
struct Change {
    /// A field id of [`Index`].
    key: usize,
    value: Decimal,
    by: usize,
    /// The slip the filed value is of the new one.
    typo: Option<Typo>,
}

/// The fields the checks read, numbered once, so that the search compares integers and reads
/// values by slot instead of by name.
struct Index {
    /// Field id → key.
    names: Vec<FieldKey>,
    /// Field id → where its value lives.
    slots: Vec<Slot>,
    /// Field id → whether it holds 万元.
    amounts: Vec<bool>,
    /// Check → the ids of [`Check::keys`], in the same order.
    keys: Vec<Vec<usize>>,
    /// Check → the slots of [`Check::keys`], for [`evaluate_at`].
    key_slots: Vec<Vec<Slot>>,
    /// Check → the ids of [`Check::solvable`], in the same order.
    solvable: Vec<Vec<usize>>,
    /// Check → the id of [`Check::lhs_key`].
    lhs: Vec<Option<usize>>,
    /// Field id → the checks that read it, ascending.
    readers: Vec<Vec<usize>>,
}

impl Index {
    fn new(checks: &[Check], values: &Values, places: &Places) -> Index {
        let mut ids: FxHashMap<FieldKey, usize> = FxHashMap::default();
        let mut names: Vec<FieldKey> = Vec::new();
        let mut id = |name: FieldKey| {
            *ids.entry(name).or_insert_with(|| {
                names.push(name);
                names.len() - 1
            })
        };
        let keys: Vec<Vec<usize>> = checks
            .iter()
            .map(|c| c.keys().iter().map(|&k| id(k)).collect())
            .collect();
        let solvable = checks
            .iter()
            .map(|c| c.solvable().map(|(k, _)| id(k)).collect())
            .collect();
        let lhs = checks.iter().map(|c| c.lhs_key().map(&mut id)).collect();
        let slots: Vec<Slot> = names.iter().map(|k| values.slot(k)).collect();
        let amounts = names.iter().map(|k| places.amount(k)).collect();
        let key_slots = keys
            .iter()
            .map(|ks| ks.iter().map(|&k| slots[k]).collect())
            .collect();
        let mut readers: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for (i, ks) in keys.iter().enumerate() {
            for &k in ks {
                if readers[k].last() != Some(&i) {
                    readers[k].push(i);
                }
            }
        }
        Index {
            names,
            slots,
            amounts,
            keys,
            key_slots,
            solvable,
            lhs,
            readers,
        }
    }

    fn evaluate(&self, checks: &[Check], i: usize, values: &Values) -> Outcome {
        evaluate_at(&checks[i], &self.key_slots[i], values)
    }

    fn involves(&self, check: usize, key: usize) -> bool {
        self.keys[check].contains(&key)
    }

    /// The outcome of check `i` on `trial`, which is the values of `outcomes` with `changes`
    /// made: a check that reads no changed cell keeps its outcome.
    fn outcome_after(
        &self,
        checks: &[Check],
        outcomes: &[Outcome],
        changes: &[Change],
        trial: &Values,
        i: usize,
    ) -> Outcome {
        if changes.iter().any(|c| self.involves(i, c.key)) {
            self.evaluate(checks, i, trial)
        } else {
            outcomes[i].clone()
        }
    }

    fn holds_after(
        &self,
        checks: &[Check],
        outcomes: &[Outcome],
        changes: &[Change],
        trial: &Values,
        i: usize,
    ) -> bool {
        self.outcome_after(checks, outcomes, changes, trial, i) == Outcome::Holds
    }

    /// The value of field `key` in `values`.
    fn original(&self, key: usize, values: &Values) -> Option<Option<Decimal>> {
        match values.get_at(self.slots[key]) {
            Lookup::Known(v) => Some(v),
            Lookup::Unknown => None,
        }
    }
}

/// What the blame search decided.
struct Searched {
    changes: Vec<CellChange>,
    findings: Vec<Finding>,
    /// The failed checks no repair explains.
    given_up: Vec<usize>,
    values: Values,
}

/// The changes and findings for every failed check.
fn blame(evaluation: &Evaluation, places: &Places) -> Searched {
    let checks = &evaluation.checks;
    let ix = Index::new(checks, &evaluation.values, places);
    let mut current = evaluation.values.clone();
    let mut out = Searched {
        changes: Vec::new(),
        findings: Vec::new(),
        given_up: Vec::new(),
        values: evaluation.values.clone(),
    };
    let mut outcomes = evaluation.outcomes.clone();
    // Greedy over clusters: the repair that makes the most failed rules hold goes first, so a
    // wrong input (全年执行数) is fixed before the rates computed from it are blamed.
    for _ in 0..checks.len() {
        let failed: Vec<usize> = (0..checks.len())
            .filter(|i| matches!(outcomes[*i], Outcome::Fails { .. }) && !out.given_up.contains(i))
            .collect();
        if failed.is_empty() {
            break;
        }
        let groups = clusters(&ix, &failed);
        let searched: Vec<Search> = groups
            .iter()
            .map(|cluster| best_repair(&ix, checks, &outcomes, cluster, &current))
            .collect();
        let best = groups
            .iter()
            .zip(&searched)
            .filter_map(|(cluster, search)| {
                let Search::Found(changes) = search else {
                    return None;
                };
                let mut trial = current.clone();
                for change in changes {
                    trial.set_at(ix.slots[change.key], change.value);
                }
                let fixed = failed
                    .iter()
                    .filter(|&&i| ix.holds_after(checks, &outcomes, changes, &trial, i))
                    .count();
                Some((fixed, cluster, changes, trial))
            })
            .max_by_key(|(fixed, ..)| *fixed);
        match best {
            Some((_, cluster, changes, trial)) => {
                // One change makes the cluster's other rules hold too; of two, neither alone.
                let fixed_too: &[usize] = if changes.len() == 1 { cluster } else { &[] };
                for change in changes {
                    let values = Before {
                        before: &current,
                        after: &trial,
                    };
                    out.findings.extend(change_finding(
                        checks, &ix, values, places, change, fixed_too,
                    ));
                    out.changes.push(CellChange {
                        key: ix.names[change.key],
                        value: change.value,
                    });
                }
                current = trial;
                // Only the rules that read a changed cell can have a new outcome.
                for change in changes {
                    for &i in &ix.readers[change.key] {
                        outcomes[i] = ix.evaluate(checks, i, &current);
                    }
                }
            }
            None => {
                for (cluster, search) in groups.iter().zip(&searched) {
                    let ties = search.ties(&ix);
                    for &i in cluster {
                        out.findings.extend(unexplained_finding(
                            &checks[i],
                            &outcomes[i],
                            &current,
                            places,
                            &ties,
                        ));
                        out.given_up.push(i);
                    }
                }
            }
        }
    }
    out.values = current;
    out
}

/// Groups failed checks that share a cell they could be solved for.
fn clusters(ix: &Index, failed: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in failed {
        let keys = &ix.solvable[i];
        let mut merged = vec![i];
        groups.retain(|g| {
            let shares = g
                .iter()
                .any(|&j| ix.solvable[j].iter().any(|k| keys.contains(k)));
            if shares {
                merged.extend(g);
            }
            !shares
        });
        merged.sort_unstable();
        groups.push(merged);
    }
    groups
}

/// What the search found for a cluster.
enum Search {
    /// The one cheapest repair.
    Found(Vec<Change>),
    /// Several repairs of the smallest size cost the same.
    Tied(Vec<Vec<Change>>),
    Nothing,
}

impl Search {
    /// The tied repairs, as cells and values.
    fn ties(&self, ix: &Index) -> Vec<Vec<(FieldKey, Decimal)>> {
        match self {
            Search::Tied(repairs) => repairs
                .iter()
                .map(|r| r.iter().map(|c| (ix.names[c.key], c.value)).collect())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A change's weight (its cell's reliability, `errorlocate`): undoing a typing slip is
/// cheapest, then changing a derived cell, then an input; a slip on a derived cell is cheaper
/// than one on an input.
fn weight(ix: &Index, change: &Change) -> u32 {
    let derived = ix.lhs[change.by] == Some(change.key);
    match (change.typo.is_some(), derived) {
        (true, true) => 2,
        (true, false) => 3,
        (false, true) => 4,
        (false, false) => 6,
    }
}

fn best_repair(
    ix: &Index,
    checks: &[Check],
    outcomes: &[Outcome],
    cluster: &[usize],
    values: &Values,
) -> Search {
    let mut candidates: Vec<usize> = Vec::new();
    for &i in cluster {
        for &k in &ix.solvable[i] {
            add(&mut candidates, k);
        }
    }
    let direct = candidates.len();
    // A second cell may be one a passing rule computes from the first (a total above a score).
    let mut near: Vec<usize> = candidates
        .iter()
        .flat_map(|&k| ix.readers[k].iter().copied())
        .collect();
    near.sort_unstable();
    near.dedup();
    for i in near {
        for &k in &ix.solvable[i] {
            add(&mut candidates, k);
        }
    }
    candidates.truncate(MAX_SUSPECTS.max(direct));
    for size in 1..=MAX_REPAIR {
        let pool = if size == 1 { direct } else { candidates.len() };
        if size > pool {
            break;
        }
        let mut solutions: Vec<(u32, Vec<Change>)> = Vec::new();
        for combo in combinations(pool, size) {
            let keys: Vec<usize> = combo.iter().map(|&i| candidates[i]).collect();
            if let Some(changes) = try_repair(ix, checks, outcomes, cluster, values, &keys) {
                let changes: Vec<Change> = changes
                    .into_iter()
                    .map(|c| attribute(ix, cluster, c))
                    .collect();
                let cost = changes.iter().map(|c| weight(ix, c)).sum();
                solutions.push((cost, changes));
            }
        }
        let Some(least) = solutions.iter().map(|(cost, _)| *cost).min() else {
            continue;
        };
        let mut cheapest: Vec<Vec<Change>> = solutions
            .into_iter()
            .filter(|(cost, _)| *cost == least)
            .map(|(_, changes)| changes)
            .collect();
        return if cheapest.len() == 1 {
            Search::Found(cheapest.remove(0))
        } else {
            Search::Tied(cheapest)
        };
    }
    Search::Nothing
}

/// Names the change after the failed rule that computes its cell, where there is one.
fn attribute(ix: &Index, cluster: &[usize], change: Change) -> Change {
    let by = cluster
        .iter()
        .copied()
        .find(|&i| ix.lhs[i] == Some(change.key))
        .unwrap_or(change.by);
    Change { by, ..change }
}

fn add(candidates: &mut Vec<usize>, key: usize) {
    if !candidates.contains(&key) {
        candidates.push(key);
    }
}

fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, k: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in start..n {
            current.push(i);
            go(i + 1, n, k, current, out);
            current.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, k, &mut Vec::new(), &mut out);
    out
}

/// Solves the cluster's checks for `keys`; the repair counts when every check of the cluster
/// then holds and no check that held before breaks (a judgement call that did not hold may
/// still not, but no change may make a rule wrong).
fn try_repair(
    ix: &Index,
    checks: &[Check],
    outcomes: &[Outcome],
    cluster: &[usize],
    values: &Values,
    keys: &[usize],
) -> Option<Vec<Change>> {
    let mut trial = values.clone();
    let mut changes: Vec<Change> = Vec::new();
    // The cluster's own rules first, then any other rule a change has broken: one that reads a
    // key (no other has a key to solve for).
    let mut others: Vec<usize> = keys
        .iter()
        .flat_map(|&k| ix.readers[k].iter().copied())
        .filter(|i| !cluster.contains(i))
        .collect();
    others.sort_unstable();
    others.dedup();
    for _ in 0..keys.len() {
        for &i in cluster.iter().chain(&others) {
            if checks[i].form == Form::Judgement {
                continue;
            }
            let mut open = keys
                .iter()
                .copied()
                .filter(|&k| ix.involves(i, k) && !changes.iter().any(|c| c.key == k));
            let (Some(key), None) = (open.next(), open.next()) else {
                continue;
            };
            match ix.outcome_after(checks, outcomes, &changes, &trial, i) {
                Outcome::Holds | Outcome::Judged => continue,
                _ => {}
            }
            let value = solve(&checks[i], &ix.names[key], &trial)?;
            let original = ix.original(key, values)?;
            if original == Some(value) || !keeps_sign(original, value) {
                return None;
            }
            trial.set_at(ix.slots[key], value);
            let typo = original.and_then(|o| {
                typo::slip(o, value, values.format_at(ix.slots[key]), ix.amounts[key])
            });
            changes.push(Change {
                key,
                value,
                by: i,
                typo,
            });
        }
    }
    if changes.len() != keys.len() {
        return None;
    }
    let cluster_holds = cluster
        .iter()
        .all(|&i| ix.holds_after(checks, outcomes, &changes, &trial, i));
    // Only a rule that reads a changed cell can break.
    let nothing_breaks = keys.iter().flat_map(|&k| &ix.readers[k]).all(|&i| {
        let after = || ix.evaluate(checks, i, &trial);
        match outcomes[i] {
            Outcome::Holds => after() == Outcome::Holds,
            Outcome::Judged => matches!(after(), Outcome::Holds | Outcome::Judged),
            _ => true,
        }
    });
    (cluster_holds && nothing_breaks).then_some(changes)
}

/// A cell filed as zero, blank or positive is not repaired to a negative value, unless the
/// repair undoes a sign flipped in typing.
fn keeps_sign(original: Option<Decimal>, value: Decimal) -> bool {
    match original {
        _ if value >= Decimal::ZERO => true,
        Some(o) if o < Decimal::ZERO => true,
        Some(o) => o == -value,
        None => false,
    }
}

/// The value of `key` that makes `check` hold, rounded as the cell shows it.
fn solve(check: &Check, key: &FieldKey, values: &Values) -> Option<Decimal> {
    let format = values.format(key);
    if check.lhs_key() == Some(*key) {
        let rhs = crate::check::eval_side(&check.rhs, values)??;
        return Some(stored(rhs, format));
    }
    let lhs = match values.get(&check.lhs_key()?) {
        Lookup::Known(Some(v)) => v,
        _ => return None,
    };
    let mut rest = Decimal::ZERO;
    let mut sign_of_key = 0i8;
    for (sign, term) in check.rhs.linear_terms()? {
        match term {
            Expr::Ref(k) if k == key => sign_of_key = sign,
            Expr::Ref(k) => {
                let v = match values.get(k) {
                    Lookup::Known(v) => v.unwrap_or_default(),
                    Lookup::Unknown => return None,
                };
                rest += if sign > 0 { v } else { -v };
            }
            Expr::Num(n) => rest += if sign > 0 { *n } else { -*n },
            _ => return None,
        }
    }
    match sign_of_key {
        1 => Some(stored(lhs - rest, format)),
        -1 => Some(stored(rest - lhs, format)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Evaluation;
    use crate::i18n::Lang;
    use crate::model::Replacement;

    /// The seed example's repair, with its layout.
    fn seed_repair() -> (Repair, Layout) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/seed-leiyang-2024.xlsx");
        let wb = crate::read::read_path(&path).expect("example reads");
        let templates = crate::template::Template::built_in();
        let (template, layout) = crate::locate::choose(&wb, &templates).expect("located");
        let figures = crate::extract::extract(&wb, &layout);
        let values = Values::from_figures(&figures);
        let evaluation = Evaluation::new(template, &layout, &figures, values);
        let places = Places {
            layout: &layout,
            figures: &figures,
        };
        (repair(&evaluation, &places), layout)
    }

    #[test]
    fn the_findings_say_our_words_in_either_language() {
        let (repair, _) = seed_repair();
        assert!(repair.findings.len() >= 5, "{:#?}", repair.findings);
        for f in &repair.findings {
            let (zh, en) = (f.message.render(Lang::Zh), f.message.render(Lang::En));
            assert!(zh.contains("应为"), "{zh}");
            assert!(en.contains(" should be "), "{en}");
            for ours in [
                "应为",
                "填报为",
                "不成立",
                "未填",
                "疑似",
                "其他单元格",
                "，",
            ] {
                assert!(!en.contains(ours), "{en}");
            }
        }
    }

    #[test]
    fn each_change_of_the_repair_has_its_finding() {
        let (repair, layout) = seed_repair();
        assert!(!repair.changes.is_empty());
        for change in &repair.changes {
            let pos = layout.fields[&change.key].pos;
            assert!(
                repair
                    .findings
                    .iter()
                    .any(|f| f.cell == pos
                        && f.replacement == Some(Replacement::Number(change.value))),
                "no finding for {change:?}"
            );
        }
    }
}
