//! One workbook through each stage: read (sniff + parse), check (locate … blame), write (the
//! annotated copy), and the whole `check_file`; plus the example with an extra 50,000-row sheet,
//! whose cost should follow its cell count.
//!
//! `cargo bench --bench check` (add `-- --quick` for a short run).

#[path = "support/gen.rs"]
mod gen;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use jixiao::annotate::{self, WriteOptions};
use jixiao::locate;
use jixiao::pipeline::{check_file, check_workbook, Options};
use jixiao::read::read_path;
use jixiao::template::Template;

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(gen::SEED)
}

/// The example with an extra sheet of `rows` × 10 cells, written once into `dir`.
fn with_extra_rows(dir: &Path, rows: usize) -> PathBuf {
    let package = gen::Package::open(&seed()).expect("example workbook");
    let path = dir.join(format!("seed-plus-{rows}.xlsx"));
    std::fs::write(&path, package.variant(0, rows)).expect("write big workbook");
    path
}

fn stages(c: &mut Criterion) {
    let scratch = tempfile::tempdir().expect("temp dir");
    let templates = Template::built_in();
    let mut inputs = vec![("seed", seed(), 1u64)];
    for rows in [5_000, 50_000] {
        inputs.push((
            "seed+rows",
            with_extra_rows(scratch.path(), rows),
            rows as u64,
        ));
    }
    let wopts = WriteOptions {
        out_dir: Some(scratch.path().join("out")),
        force: true,
        lang: Default::default(),
        marked: false,
        out_stem: None,
    };
    let mut group = c.benchmark_group("one workbook");
    group.measurement_time(Duration::from_secs(5));
    for (name, path, rows) in &inputs {
        let id = if *rows == 1 {
            name.to_string()
        } else {
            format!("{name} {rows}")
        };
        let wb = read_path(path).expect("readable");
        let cells: usize = wb.sheets.iter().map(|s| s.cells.len()).sum();
        group.throughput(Throughput::Elements(cells as u64));
        group.bench_function(format!("read/{id}"), |b| {
            b.iter(|| read_path(black_box(path)).expect("readable"))
        });
        if *rows == 1 {
            // Parts of check_file that are not in the stages below: the built-in templates are
            // parsed once per file, and locating the tables is the first part of "check".
            group.bench_function("templates/parse built-in", |b| b.iter(Template::built_in));
        }
        // As the pipeline does it: one text index, every template tried on it.
        group.bench_function(format!("locate/{id}"), |b| {
            b.iter(|| locate::choose(black_box(&wb), &templates).expect("located"))
        });
        group.bench_function(format!("check/{id}"), |b| {
            b.iter(|| check_workbook(black_box(&wb), &templates).expect("checkable"))
        });
        let report = check_workbook(&wb, &templates).expect("checkable");
        // The writer may not have landed yet: measure it only once it writes.
        match annotate::write_annotated(&wb, &report, &wopts) {
            Ok(_) => {
                group.bench_function(format!("write/{id}"), |b| {
                    b.iter(|| annotate::write_annotated(black_box(&wb), &report, &wopts))
                });
                let opts = Options {
                    out_dir: wopts.out_dir.clone(),
                    annotate: true,
                    force: true,
                    ..Options::default()
                };
                group.bench_function(format!("check_file/{id}"), |b| {
                    b.iter(|| check_file(black_box(path), &opts))
                });
            }
            Err(e) => {
                eprintln!("write/{id}: skipped, write_annotated failed: {e}");
                let opts = Options::default();
                group.bench_function(format!("check_file (no write)/{id}"), |b| {
                    b.iter(|| check_file(black_box(path), &opts))
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
