//! Which workbook a report goes with: both named together, the only report and the only
//! workbook of a folder, or a report and a workbook whose names start alike.

use std::path::{Path, PathBuf};

/// Names shorter than this in common do not make a pair.
const MIN_COMMON_PREFIX: usize = 2;

/// A report and the workbook it goes with, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub report: PathBuf,
    pub workbook: Option<PathBuf>,
}

/// Pairs `reports` with `workbooks`. `named` says both lists were named on the command line:
/// one report and one workbook named together go together wherever they are.
pub fn pair(reports: &[PathBuf], workbooks: &[PathBuf], named: bool) -> Vec<Pair> {
    if named && reports.len() == 1 && workbooks.len() == 1 {
        return vec![Pair {
            report: reports[0].clone(),
            workbook: Some(workbooks[0].clone()),
        }];
    }
    let mut taken = vec![false; workbooks.len()];
    let mut out = Vec::new();
    for report in reports {
        let folder = report.parent();
        let beside: Vec<usize> = (0..workbooks.len())
            .filter(|&i| workbooks[i].parent() == folder)
            .collect();
        let reports_beside = reports.iter().filter(|r| r.parent() == folder).count();
        let chosen = if reports_beside == 1 && beside.len() == 1 {
            Some(beside[0])
        } else {
            best_by_name(report, &beside, workbooks)
        };
        let chosen = chosen.filter(|&i| !taken[i]);
        if let Some(i) = chosen {
            taken[i] = true;
        }
        out.push(Pair {
            report: report.clone(),
            workbook: chosen.map(|i| workbooks[i].clone()),
        });
    }
    out
}

/// The workbook among `candidates` whose name starts most like the report's, if one does
/// better than every other.
fn best_by_name(report: &Path, candidates: &[usize], workbooks: &[PathBuf]) -> Option<usize> {
    let stem = stem(report);
    let mut scored: Vec<(usize, usize)> = candidates
        .iter()
        .map(|&i| (common_prefix(&stem, &self::stem(&workbooks[i])), i))
        .filter(|(n, _)| *n >= MIN_COMMON_PREFIX)
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    match scored.as_slice() {
        [(best, i), (next, _), ..] if best > next => Some(*i),
        [(_, i)] => Some(*i),
        _ => None,
    }
}

fn stem(path: &Path) -> Vec<char> {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_lowercase().chars().collect())
        .unwrap_or_default()
}

fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn named_together_they_pair() {
        let got = pair(&[p("a/报告.docx")], &[p("b/表.xlsx")], true);
        assert_eq!(got[0].workbook, Some(p("b/表.xlsx")));
    }

    #[test]
    fn alone_in_a_folder_they_pair() {
        let got = pair(
            &[p("d/报告.docx")],
            &[p("d/表.xlsx"), p("e/表.xlsx")],
            false,
        );
        assert_eq!(got[0].workbook, Some(p("d/表.xlsx")));
    }

    #[test]
    fn otherwise_by_the_start_of_their_names() {
        let reports = [
            p("d/耒阳分局自评报告.docx"),
            p("d/农业局自评报告.docx"),
            p("d/其他.docx"),
        ];
        let workbooks = [
            p("d/农业局自评表.xlsx"),
            p("d/耒阳分局自评表.xlsx"),
            p("d/耒阳2023.xlsx"),
        ];
        let got = pair(&reports, &workbooks, false);
        assert_eq!(got[0].workbook, Some(p("d/耒阳分局自评表.xlsx")));
        assert_eq!(got[1].workbook, Some(p("d/农业局自评表.xlsx")));
        assert_eq!(got[2].workbook, None);
    }

    #[test]
    fn a_tie_pairs_nothing() {
        let got = pair(
            &[p("d/局报告.docx"), p("d/x.docx")],
            &[p("d/局表1.xlsx"), p("d/局表2.xlsx")],
            false,
        );
        assert_eq!(got[0].workbook, None);
    }
}
