//! Blame stage: for the failed rules, the smallest set of cells whose change makes every rule
//! hold, preferring derived cells (RULES.md §4, Fellegi–Holt).

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::check::{
    display, evaluate_at, off_by_one_unit, render, stored, Check, Evaluation, Lookup, MissingCell,
    Outcome, Slot, Values,
};
use crate::expr::Expr;
use crate::extract::Figures;
use crate::locate::Layout;
use crate::model::{CellPos, FieldKey};
use crate::model::{Finding, Replacement, Severity};

/// Largest repair tried; beyond it the failure is reported on its derived cell.
const MAX_REPAIR: usize = 2;

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
}

/// What the checks' failures come to: the cells to change and to what, with the findings.
#[derive(Debug, Clone, Default)]
pub struct Repair {
    /// The blank derived cells filled, then the cells the search changed, in the order decided.
    pub changes: Vec<CellChange>,
    /// A finding for each change, and one for each failure no repair explains.
    pub findings: Vec<Finding>,
}

/// A cell of a [`Repair`] and the value it should hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellChange {
    pub key: FieldKey,
    pub value: Decimal,
}

/// Fills the blank derived cells of the evaluation, then finds for the failed checks the
/// smallest changes that make every check hold.
pub fn repair(evaluation: &Evaluation, places: &Places) -> Repair {
    let values = &evaluation.values;
    let mut repair = Repair {
        changes: evaluation
            .filled
            .iter()
            .map(|m| CellChange {
                key: m.key,
                value: stored(m.expected, values.format(&m.key)),
            })
            .collect(),
        findings: missing_findings(&evaluation.checks, &evaluation.filled, values, places),
    };
    blame(evaluation, places, &mut repair);
    repair
}

/// A cell changed by a repair, with the rule that fixed its value.
#[derive(Debug, Clone)]
struct Change {
    /// A field id of [`Index`].
    key: usize,
    value: Decimal,
    by: usize,
}

/// The fields the checks read, numbered once, so that the search compares integers and reads
/// values by slot instead of by name.
struct Index {
    /// Field id → key.
    names: Vec<FieldKey>,
    /// Field id → where its value lives.
    slots: Vec<Slot>,
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
    fn new(checks: &[Check], values: &Values) -> Index {
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

    /// Whether check `i` holds on `trial`, which is the values of `outcomes` with `changes`
    /// made: a check that reads no changed cell keeps its outcome.
    fn holds_after(
        &self,
        checks: &[Check],
        outcomes: &[Outcome],
        changes: &[Change],
        trial: &Values,
        i: usize,
    ) -> bool {
        if changes.iter().any(|c| self.involves(i, c.key)) {
            self.evaluate(checks, i, trial) == Outcome::Holds
        } else {
            outcomes[i] == Outcome::Holds
        }
    }
}

fn missing_findings(
    checks: &[Check],
    missing: &[MissingCell],
    values: &Values,
    places: &Places,
) -> Vec<Finding> {
    missing
        .iter()
        .filter_map(|m| {
            let check = &checks[m.check];
            let (sheet, pos, label) = places.cell(&m.key)?;
            let format = values.format(&m.key);
            let expected = display(m.expected, format);
            let message = format!(
                "{}：{}未填，应为 {} = {}",
                check.name,
                label,
                render(&check.rhs, values),
                expected
            );
            Some(
                Finding::new(check.id.clone(), Severity::Missing, sheet, pos, message)
                    .expected(expected)
                    .involves(involved_cells(check, &m.key, places))
                    .replacement(Replacement::Number(stored(m.expected, format))),
            )
        })
        .collect()
}

fn involved_cells(check: &Check, except: &FieldKey, places: &Places) -> Vec<CellPos> {
    check
        .keys()
        .iter()
        .filter(|k| *k != except)
        .filter_map(|k| places.cell(k).map(|(_, p, _)| p))
        .collect()
}

/// Adds to `repair` the changes and findings for every failed check.
fn blame(evaluation: &Evaluation, places: &Places, repair: &mut Repair) {
    let checks = &evaluation.checks;
    let ix = Index::new(checks, &evaluation.values);
    let mut current = evaluation.values.clone();
    let mut given_up: Vec<usize> = Vec::new();
    let findings = &mut repair.findings;
    let mut outcomes = evaluation.outcomes.clone();
    // Greedy over clusters: the repair that makes the most failed rules hold goes first, so a
    // wrong input (全年执行数) is fixed before the rates computed from it are blamed.
    for _ in 0..checks.len() {
        let failed: Vec<usize> = (0..checks.len())
            .filter(|i| matches!(outcomes[*i], Outcome::Fails { .. }) && !given_up.contains(i))
            .collect();
        if failed.is_empty() {
            break;
        }
        let groups = clusters(&ix, &failed);
        let best = groups
            .iter()
            .filter_map(|cluster| {
                let changes = best_repair(&ix, checks, &outcomes, cluster, &current)?;
                let mut trial = current.clone();
                for change in &changes {
                    trial.set_at(ix.slots[change.key], change.value);
                }
                let fixed = failed
                    .iter()
                    .filter(|&&i| ix.holds_after(checks, &outcomes, &changes, &trial, i))
                    .count();
                Some((fixed, cluster, changes, trial))
            })
            .max_by_key(|(fixed, ..)| *fixed);
        match best {
            Some((_, cluster, changes, trial)) => {
                for change in &changes {
                    findings.extend(change_finding(
                        checks, &ix, &current, places, change, cluster,
                    ));
                    repair.changes.push(CellChange {
                        key: ix.names[change.key],
                        value: change.value,
                    });
                }
                current = trial;
                // Only the rules that read a changed cell can have a new outcome.
                for change in &changes {
                    for &i in &ix.readers[change.key] {
                        outcomes[i] = ix.evaluate(checks, i, &current);
                    }
                }
            }
            None => {
                for cluster in &groups {
                    for &i in cluster {
                        findings.extend(unexplained_finding(
                            &checks[i],
                            &outcomes[i],
                            &current,
                            places,
                        ));
                        given_up.push(i);
                    }
                }
            }
        }
    }
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

fn best_repair(
    ix: &Index,
    checks: &[Check],
    outcomes: &[Outcome],
    cluster: &[usize],
    values: &Values,
) -> Option<Vec<Change>> {
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
    for size in 1..=MAX_REPAIR {
        let pool = if size == 1 { direct } else { candidates.len() };
        if size > pool {
            break;
        }
        let mut solutions: Vec<(Vec<Change>, bool)> = Vec::new();
        for combo in combinations(pool, size) {
            let keys: Vec<usize> = combo.iter().map(|&i| candidates[i]).collect();
            if let Some(changes) = try_repair(ix, checks, outcomes, cluster, values, &keys) {
                let changes: Vec<Change> = changes
                    .into_iter()
                    .map(|c| attribute(ix, cluster, c))
                    .collect();
                let all_derived = changes.iter().all(|c| ix.lhs[c.by] == Some(c.key));
                solutions.push((changes, all_derived));
            }
        }
        let derived: Vec<&(Vec<Change>, bool)> = solutions.iter().filter(|(_, d)| *d).collect();
        match (derived.len(), solutions.len()) {
            (1, _) => return Some(derived[0].0.clone()),
            (_, 1) => return Some(solutions[0].0.clone()),
            (_, 0) => continue,
            _ => return None,
        }
    }
    None
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
/// then holds and no check that held before breaks.
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
            let mut open = keys
                .iter()
                .copied()
                .filter(|&k| ix.involves(i, k) && !changes.iter().any(|c| c.key == k));
            let (Some(key), None) = (open.next(), open.next()) else {
                continue;
            };
            if ix.holds_after(checks, outcomes, &changes, &trial, i) {
                continue;
            }
            let value = solve(&checks[i], &ix.names[key], &trial)?;
            let original = match values.get_at(ix.slots[key]) {
                Lookup::Known(v) => v,
                Lookup::Unknown => return None,
            };
            if original == Some(value) {
                return None;
            }
            trial.set_at(ix.slots[key], value);
            changes.push(Change { key, value, by: i });
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
        outcomes[i] != Outcome::Holds || ix.evaluate(checks, i, &trial) == Outcome::Holds
    });
    (cluster_holds && nothing_breaks).then_some(changes)
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

fn change_finding(
    checks: &[Check],
    ix: &Index,
    values: &Values,
    places: &Places,
    change: &Change,
    cluster: &[usize],
) -> Option<Finding> {
    let check = &checks[change.by];
    let key = &ix.names[change.key];
    let (sheet, pos, label) = places.cell(key)?;
    let format = values.format(key);
    let original = match values.get(key) {
        Lookup::Known(v) => v,
        Lookup::Unknown => None,
    };
    let expected = display(change.value, format);
    let found = places.shown(key);
    let derived = check.lhs_key() == Some(*key);
    let severity = match original {
        None => Severity::Missing,
        Some(v) if check.rhs.is_inexact() && off_by_one_unit(v, change.value, format) => {
            Severity::Rounding
        }
        Some(_) => check.severity,
    };
    let others: Vec<String> = cluster
        .iter()
        .filter(|&&i| i != change.by)
        .map(|&i| format!("{}（{}）", checks[i].name, checks[i].id))
        .collect();
    let mut message = if derived {
        let why = if severity == Severity::Rounding {
            "，应四舍五入而非截断"
        } else {
            ""
        };
        format!(
            "{}：{}应为 {} = {}{}，填报为 {}",
            check.name,
            label,
            render(&check.rhs, values),
            expected,
            why,
            show_found(&found)
        )
    } else {
        // A repair is only ever found for a rule whose left side is a field.
        let lhs_key = check.lhs_key()?;
        let lhs_label = places.cell(&lhs_key).map(|c| c.2).unwrap_or_default();
        let sum = crate::check::eval_side(&check.rhs, values)
            .flatten()
            .unwrap_or_default();
        format!(
            "{}不成立：{} {} ≠ {} = {}；其他单元格与相关检查一致，只有{}应为 {}（填报为 {}）",
            check.name,
            lhs_label,
            places.shown(&lhs_key),
            render(&check.rhs, values),
            display(sum, values.format(&lhs_key)),
            label,
            expected,
            show_found(&found)
        )
    };
    if !others.is_empty() {
        message.push_str(&format!("；同时使{}成立", others.join("、")));
    }
    Some(
        Finding::new(check.id.clone(), severity, sheet, pos, message)
            .found(found)
            .expected(expected)
            .involves(involved_cells(check, key, places))
            .replacement(Replacement::Number(change.value)),
    )
}

fn show_found(found: &str) -> &str {
    if found.is_empty() {
        "空"
    } else {
        found
    }
}

fn unexplained_finding(
    check: &Check,
    outcome: &Outcome,
    values: &Values,
    places: &Places,
) -> Option<Finding> {
    let Outcome::Fails { expected } = outcome else {
        return None;
    };
    let key = check.anchor.or(check.lhs_key())?;
    let (sheet, pos, label) = places.cell(&key)?;
    let lhs_text = match &check.lhs {
        Expr::Ref(k) => places.shown(k),
        other => format!(
            "{} = {}",
            render(other, values),
            crate::check::eval_side(other, values)
                .flatten()
                .unwrap_or_default()
                .normalize()
        ),
    };
    let rhs_text = match &check.rhs {
        Expr::Num(n) => n.normalize().to_string(),
        other => format!("{} = {}", render(other, values), expected.normalize()),
    };
    let broken = match check.cmp {
        crate::expr::Cmp::Eq => "≠",
        crate::expr::Cmp::Ge => "<",
        crate::expr::Cmp::Le => ">",
    };
    let message = format!(
        "{}不成立：{} {} {} {}；无法确定是哪一个单元格填错，请逐项核对",
        check.name, label, lhs_text, broken, rhs_text
    );
    let found = match &check.lhs {
        Expr::Ref(_) => places.shown(&key),
        other => crate::check::eval_side(other, values)
            .flatten()
            .map(|v| v.normalize().to_string())
            .unwrap_or_default(),
    };
    Some(
        Finding::new(check.id.clone(), check.unexplained, sheet, pos, message)
            .found(found)
            .involves(involved_cells(check, &key, places)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Evaluation;

    #[test]
    fn each_change_of_the_repair_has_its_finding() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/seed-leiyang-2024.xlsx");
        let wb = crate::read::read_path(&path).expect("example reads");
        let templates = crate::template::Template::built_in();
        let (template, layout) = crate::locate::choose(&wb, &templates).expect("located");
        let figures = crate::extract::extract(&wb, &layout);
        let values = Values::from_figures(&figures);
        let evaluation = Evaluation::new(template, &layout, values);
        let places = Places {
            layout: &layout,
            figures: &figures,
        };
        let repair = repair(&evaluation, &places);
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
