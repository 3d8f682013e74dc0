//! The crate's stages depend on each other one way only: each top-level module of `src/` may use
//! the modules listed before it in [`LAYERS`] and no other. The edges are read from the source
//! text (`crate::name` paths), so a new import that points up the pipeline fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The stages, lowest first.
const LAYERS: &[&str] = &[
    "i18n",
    "model",
    "ooxml",
    "expr",
    "read",
    "template",
    "locate",
    "extract",
    "check",
    "blame",
    "narrative",
    "annotate",
    "pipeline",
    "report",
    "summary",
    "batch",
    "exchange",
    "cli",
];

/// Top-level module → the other top-level modules its files name as `crate::…`.
fn edges(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "main" {
            continue;
        }
        let mut used = BTreeSet::new();
        for file in rust_files(&path) {
            let text = fs::read_to_string(&file).unwrap();
            used.extend(crate_paths(&text).filter(|m| *m != name));
        }
        out.insert(name, used);
    }
    out
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return if path.extension().is_some_and(|e| e == "rs") {
            vec![path.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        files.extend(rust_files(&entry.unwrap().path()));
    }
    files
}

/// The module names after each `crate::` in the text, comment lines left out.
fn crate_paths(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.match_indices("crate::").map(move |(i, _)| &l[i + 7..]))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|m| !m.is_empty() && m.chars().next().unwrap().is_ascii_lowercase())
}

#[test]
fn every_stage_uses_only_the_stages_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut wrong = Vec::new();
    for (module, used) in &edges {
        let Some(own) = rank(module) else {
            wrong.push(format!("{module}: not in LAYERS"));
            continue;
        };
        for dep in used {
            match rank(dep) {
                Some(r) if r < own => {}
                Some(_) => wrong.push(format!("{module} uses {dep}, which is above it")),
                None => wrong.push(format!("{module} uses {dep}, which is not in LAYERS")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_edge_reader_sees_an_upward_import() {
    let found: Vec<String> =
        crate_paths("use crate::cli::run;\n// crate::batch\nx(crate::model::Kind)").collect();
    assert_eq!(found, ["cli", "model"]);
}
