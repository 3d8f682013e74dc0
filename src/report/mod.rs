//! Report stage: the terminal text and the JSON a program reads.

use std::fmt::Write as _;

use serde::Serialize;

use crate::annotate::Lang;
use crate::model::{FileReport, Severity, Status};

#[derive(Serialize)]
struct JsonReport<'a> {
    files: &'a [FileReport],
}

pub fn to_json(files: &[FileReport]) -> String {
    serde_json::to_string_pretty(&JsonReport { files })
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
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
        head.push(if zh {
            format!("填报总分 {t}")
        } else {
            format!("total as filed {t}")
        });
    }
    if let Some(t) = &report.recalculated_total_score {
        head.push(if zh {
            format!("重算总分 {t}")
        } else {
            format!("recalculated {t}")
        });
    }
    if let Some(g) = &report.grade {
        head.push(if zh {
            format!("等级 {g}")
        } else {
            format!("grade {g}")
        });
    }
    if !head.is_empty() {
        let _ = writeln!(out, "  {}", head.join(" · "));
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "  {}", if zh { "未发现问题" } else { "no findings" });
    } else {
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
            let expected = f
                .expected
                .as_deref()
                .map(|e| format!(" → {e}"))
                .unwrap_or_default();
            let found = if f.found.is_empty() {
                if zh {
                    "（空）".to_string()
                } else {
                    "(blank)".to_string()
                }
            } else {
                f.found.clone()
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
    }
    for note in &report.notes {
        let _ = writeln!(out, "  {} {note}", if zh { "说明：" } else { "note:" });
    }
    if let Some(o) = &report.output {
        let _ = writeln!(
            out,
            "  {} {o}",
            if zh {
                "批注副本："
            } else {
                "annotated copy:"
            }
        );
    }
    if let Some(o) = &report.corrected {
        let _ = writeln!(out, "  {} {o}", if zh { "更正版：" } else { "corrected:" });
    }
    out
}
