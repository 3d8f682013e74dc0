//! Writes N seed-like workbooks for the batch benchmark (`scripts/bench.sh`):
//!
//! ```sh
//! cargo run --release --example gen -- 1000 target/bench/n1000 [--extra-rows 50000]
//! ```
//!
//! Each is `examples/seed-leiyang-2024.xlsx` with its amounts scaled and another county's name:
//! the same layout, different numbers (so the findings differ from file to file).

#[path = "../benches/support/gen.rs"]
mod gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut extra_rows = 0usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--extra-rows" => {
                extra_rows = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            }
            _ => positional.push(a.clone()),
        }
    }
    let (Some(count), Some(dir)) = (
        positional.first().and_then(|n| n.parse::<u64>().ok()),
        positional.get(1).map(PathBuf::from),
    ) else {
        eprintln!("usage: gen COUNT DIR [--extra-rows N]");
        return ExitCode::from(2);
    };
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(gen::SEED);
    let package = match gen::Package::open(&seed) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", seed.display());
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    for i in 0..count {
        let path = dir.join(format!("wb-{i:05}.xlsx"));
        if let Err(e) = std::fs::write(&path, package.variant(i, extra_rows)) {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
