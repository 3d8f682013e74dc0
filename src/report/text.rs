//! The terminal text: one block per workbook.

use std::fmt::Write as _;

use super::Renderer;
use crate::annotate::Lang;
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

fn severity_label(s: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

/// A readable block for one workbook.
pub fn to_text(report: &FileReport, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.path);
    if report.status == Status::Failed {
        let _ = writeln!(
            out,
            "  {}：{}",
            if zh { "无法检查" } else { "cannot check" },
            report.error.as_deref().unwrap_or("")
        );
        return out;
    }
    let head = head(report, zh);
    if !head.is_empty() {
        let _ = writeln!(out, "  {}", head.join(" · "));
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "  {}", if zh { "未发现问题" } else { "no findings" });
    } else {
        findings(&mut out, report, lang);
    }
    for note in &report.notes {
        let _ = writeln!(out, "  {} {note}", if zh { "说明：" } else { "note:" });
    }
    if let Some(o) = &report.output {
        let label = if zh {
            "批注副本："
        } else {
            "annotated copy:"
        };
        let _ = writeln!(out, "  {label} {o}");
    }
    if let Some(o) = &report.corrected {
        let _ = writeln!(out, "  {} {o}", if zh { "更正版：" } else { "corrected:" });
    }
    out
}

/// Department, year, totals and grade, those the workbook has.
fn head(report: &FileReport, zh: bool) -> Vec<String> {
    let labelled = |zh_label: &str, en_label: &str, value: &dyn std::fmt::Display| {
        if zh {
            format!("{zh_label} {value}")
        } else {
            format!("{en_label} {value}")
        }
    };
    let mut head = Vec::new();
    if let Some(d) = &report.department {
        head.push(d.clone());
    }
    if let Some(y) = report.year {
        head.push(if zh {
            format!("{y} 年度")
        } else {
            format!("year {y}")
        });
    }
    if let Some(t) = &report.total_score {
        head.push(labelled("填报总分", "total as filed", t));
    }
    if let Some(t) = &report.recalculated_total_score {
        head.push(labelled("重算总分", "recalculated", t));
    }
    if let Some(g) = &report.grade {
        head.push(labelled("等级", "grade", g));
    }
    head
}

/// The count line, then one line per finding.
fn findings(out: &mut String, report: &FileReport, lang: Lang) {
    let zh = lang == Lang::Zh;
    let counts: Vec<String> = [
        Severity::Error,
        Severity::Rounding,
        Severity::Missing,
        Severity::Warning,
    ]
    .into_iter()
    .map(|s| (s, report.count(s)))
    .filter(|(_, n)| *n > 0)
    .map(|(s, n)| format!("{} {n}", severity_label(s, lang)))
    .collect();
    let _ = writeln!(
        out,
        "  {} {}（{}）",
        if zh { "发现问题" } else { "findings" },
        report.findings.len(),
        counts.join("，")
    );
    for f in &report.findings {
        finding(out, f, lang);
    }
}

fn finding(out: &mut String, f: &Finding, lang: Lang) {
    let expected = f
        .expected
        .as_deref()
        .map(|e| format!(" → {e}"))
        .unwrap_or_default();
    let found = match (f.found.is_empty(), lang) {
        (true, Lang::Zh) => "（空）",
        (true, Lang::En) => "(blank)",
        (false, _) => f.found.as_str(),
    };
    let _ = writeln!(
        out,
        "  [{}] {}!{} {}{}  {} {}",
        severity_label(f.severity, lang),
        f.sheet,
        f.cell,
        found,
        expected,
        f.check,
        f.message
    );
}
