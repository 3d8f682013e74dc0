//! The terminal text: one block per workbook.

use std::fmt::Write as _;

use super::msg::{self, Msg};
use super::Renderer;
use crate::annotate::Lang;
use crate::model::text::terminal_safe as safe;
use crate::model::{FileReport, Finding, Severity, Status};

/// Text blocks, one after another.
pub struct Text {
    pub lang: Lang,
}

impl Renderer for Text {
    fn file(&self, report: &FileReport) -> String {
        to_text(report, self.lang)
    }
}

/// A readable block for one workbook. Names and texts from the file have their control
/// characters escaped ([`safe`]), so a file cannot rewrite the terminal.
pub fn to_text(report: &FileReport, lang: Lang) -> String {
    let t = |m| msg::text(m, lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}", safe(&report.path));
    if report.status == Status::Failed {
        let error = report.error_text();
        let error = safe(&error);
        let _ = writeln!(out, "  {}{error}", t(Msg::CannotCheck));
        return out;
    }
    let head = head(report, lang);
    if !head.is_empty() {
        let _ = writeln!(out, "  {}", head.join(" · "));
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "  {}", t(Msg::NoFindings));
    } else {
        findings(&mut out, report, lang);
    }
    for n in &report.not_checked {
        let _ = writeln!(out, "  {}", safe(&n.line().render(lang)));
    }
    for note in &report.notes {
        let _ = writeln!(out, "  {} {}", t(Msg::Note), safe(&note.render(lang)));
    }
    if let Some(o) = &report.output {
        let _ = writeln!(out, "  {} {}", t(Msg::AnnotatedCopy), safe(o));
    }
    if let Some(o) = &report.corrected {
        let count = msg::fill(Msg::CorrectionCount, lang, &[&report.corrections.len()]);
        let _ = writeln!(out, "  {} {}{count}", t(Msg::Corrected), safe(o));
    }
    for u in &report.not_corrected {
        let _ = writeln!(
            out,
            "  {} {}!{}  {}",
            t(Msg::NotCorrected),
            safe(&u.sheet),
            u.cell,
            safe(&u.reason.render(lang))
        );
    }
    out
}

/// Department, year, totals and grade, those the workbook has.
fn head(report: &FileReport, lang: Lang) -> Vec<String> {
    let labelled = |m, value: &str| format!("{} {}", msg::text(m, lang), safe(value));
    let mut head = Vec::new();
    if let Some(d) = &report.department {
        head.push(safe(d).into_owned());
    }
    if let Some(y) = report.year {
        head.push(msg::fill(Msg::Year, lang, &[&y]));
    }
    if let Some(t) = &report.total_score {
        head.push(labelled(Msg::TotalFiled, t));
    }
    if let Some(t) = &report.recalculated_total_score {
        head.push(labelled(Msg::Recalculated, t));
    }
    if let Some(g) = &report.grade {
        head.push(labelled(Msg::Grade, g));
    }
    head
}

/// The count line, then one line per finding.
fn findings(out: &mut String, report: &FileReport, lang: Lang) {
    let counts: Vec<String> = [
        Severity::Error,
        Severity::Rounding,
        Severity::Missing,
        Severity::Warning,
    ]
    .into_iter()
    .map(|s| (s, report.count(s)))
    .filter(|(_, n)| *n > 0)
    .map(|(s, n)| format!("{} {n}", s.label(lang)))
    .collect();
    let _ = writeln!(
        out,
        "  {} {}{}{}{}",
        msg::text(Msg::Findings, lang),
        report.findings.len(),
        msg::text(Msg::CountsOpen, lang),
        counts.join(msg::text(Msg::CountSep, lang)),
        msg::text(Msg::CountsClose, lang),
    );
    for f in &report.findings {
        finding(out, f, lang);
    }
}

fn finding(out: &mut String, f: &Finding, lang: Lang) {
    let expected = f
        .expected
        .as_deref()
        .map(|e| format!(" → {}", safe(e)))
        .unwrap_or_default();
    let found = if f.found.is_empty() {
        msg::text(Msg::Blank, lang)
    } else {
        f.found.as_str()
    };
    let _ = writeln!(
        out,
        "  [{}] {}!{} {}{}  {} {}",
        f.severity.label(lang),
        safe(&f.sheet),
        f.cell,
        safe(found),
        expected,
        f.check,
        safe(&f.message.render(lang))
    );
}
