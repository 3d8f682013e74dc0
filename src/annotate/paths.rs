//! Where the copies go and whether a file there may be replaced: only one jixiao wrote (its
//! name and the `jixiao` custom property say so), never the input itself.

use std::ffi::OsStr;
use std::fs;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::WriteError;
use crate::model::files::{self, Existing};

/// Where the output for `input` goes: `<out_dir or input's folder>/<input stem>.<suffix>.xlsx`.
pub fn output_path(input: &Path, out_dir: Option<&Path>, suffix: &str) -> PathBuf {
    output_path_named(input, None, out_dir, suffix)
}

/// As [`output_path`], named after `stem` instead of the input's stem when given. The name is
/// built from the file name's bytes, so names that are not UTF-8 (GBK from a Windows zip) give
/// outputs as distinct as the inputs.
pub fn output_path_named(
    input: &Path,
    stem: Option<&OsStr>,
    out_dir: Option<&Path>,
    suffix: &str,
) -> PathBuf {
    let stem = stem
        .or_else(|| input.file_stem())
        .filter(|s| !s.is_empty())
        .unwrap_or(OsStr::new("workbook"));
    let mut name = stem.to_os_string();
    name.push(format!(".{suffix}.xlsx"));
    match out_dir {
        Some(dir) => dir.join(name),
        None => input
            .parent()
            .map(|p| p.join(&name))
            .unwrap_or_else(|| PathBuf::from(&name)),
    }
}

/// Custom document property that marks a file as jixiao's own output.
pub(crate) const MARK_PROPERTY: &str = "jixiao";

/// Whether `dest` may be written: nothing there, an empty leftover, or (when not the input) a
/// regular file jixiao wrote and nobody changed since, or any regular file with `force`. Links, FIFOs and folders never.
pub(super) fn check_destination(input: &Path, dest: &Path, force: bool) -> Result<(), WriteError> {
    if fs::symlink_metadata(dest).is_err() {
        return Ok(());
    }
    if let (Ok(a), Ok(b)) = (fs::canonicalize(input), fs::canonicalize(dest)) {
        if a == b {
            return Err(WriteError::SameAsInput {
                path: dest.to_path_buf(),
            });
        }
    }
    let existing = files::existing(dest).map_err(|e| WriteError::Io {
        path: dest.to_path_buf(),
        reason: e.to_string(),
    })?;
    if existing == Existing::File && !force && !is_unchanged_output(dest) {
        return Err(WriteError::NotOurs {
            path: dest.to_path_buf(),
        });
    }
    Ok(())
}

/// Whether `path` is a copy jixiao wrote that nobody changed since: named and marked as one
/// ([`is_jixiao_output`]), its digest matching what it holds.
fn is_unchanged_output(path: &Path) -> bool {
    is_jixiao_output(path) && crate::ooxml::is_sealed_intact(path)
}

/// Whether `path` is a file jixiao wrote (edited since or not): its name ends with `.checked.xlsx` or
/// `.corrected.xlsx` and its `docProps/custom.xml` carries the `jixiao` property.
pub fn is_jixiao_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !(name.ends_with(".checked.xlsx") || name.ends_with(".corrected.xlsx")) {
        return false;
    }
    fs::metadata(path).is_ok_and(|m| m.is_file()) && carries_mark(path)
}

/// Whether the xlsx at `path` has the `jixiao` property in its `docProps/custom.xml`, as every
/// workbook jixiao writes has (copies and summaries alike).
pub(crate) fn carries_mark(path: &Path) -> bool {
    let Ok(file) = files::open_regular(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return false;
    };
    let Ok(part) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut xml = Vec::new();
    if part.take(1024 * 1024).read_to_end(&mut xml).is_err() {
        return false;
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == "property" =>
            {
                let named = e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref() == "name" && a.value.as_ref() == MARK_PROPERTY
                });
                if named {
                    return true;
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            _ => {}
        }
        buf.clear();
    }
}
