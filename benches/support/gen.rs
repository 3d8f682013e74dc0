//! Seed-like workbooks for benchmarks: the example workbook with its amounts scaled (same layout,
//! different numbers, another county's name), optionally with an extra sheet of filler rows.
//!
//! Shared by `benches/check.rs` and `examples/gen.rs` (`#[path]`), so it has no `main`.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;

/// Where the example lives, relative to the crate.
pub const SEED: &str = "examples/seed-leiyang-2024.xlsx";

const COUNTIES: [&str; 8] = [
    "耒阳",
    "衡南",
    "衡东",
    "祁东",
    "常宁",
    "衡山",
    "衡阳县",
    "南岳",
];

/// The parts of an xlsx package, in order.
pub struct Package {
    parts: Vec<(String, Vec<u8>)>,
}

impl Package {
    pub fn open(path: &Path) -> std::io::Result<Package> {
        let bytes = std::fs::read(path)?;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(std::io::Error::other)?;
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).map_err(std::io::Error::other)?;
            let mut data = Vec::new();
            f.read_to_end(&mut data)?;
            let name = f.name().map_err(std::io::Error::other)?.to_string();
            parts.push((name, data));
        }
        Ok(Package { parts })
    }

    /// Variant `i`: amounts scaled by a factor in [0.6, 1.6), the department renamed.
    /// `extra_rows` > 0 adds a sheet of that many rows × 10 cells.
    pub fn variant(&self, i: u64, extra_rows: usize) -> Vec<u8> {
        let mut rng = SplitMix(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5EED);
        let factor = 0.6 + (rng.next() % 1000) as f64 / 1000.0;
        let county = COUNTIES[(i as usize) % COUNTIES.len()];
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in &self.parts {
            let mut data = data.clone();
            if let Some(n) = sheet_number(name) {
                let text = String::from_utf8_lossy(&data).replace("耒阳", county);
                // The basic-data sheet holds amounts from a few 万元 up; the scorecard holds
                // scores (≤ 100) beside its amounts.
                let floor = if n == 1 { 1.5 } else { 100.0 };
                data = scale_numbers(&text, factor, floor).into_bytes();
            } else if extra_rows > 0 {
                data = add_sheet(name, &data);
            }
            out.start_file(name.as_str(), opts).expect("zip entry");
            out.write_all(&data).expect("zip write");
        }
        if extra_rows > 0 {
            out.start_file("xl/worksheets/sheet_extra.xml", opts)
                .expect("zip entry");
            out.write_all(extra_sheet(extra_rows, &mut rng).as_bytes())
                .expect("zip write");
        }
        out.finish().expect("zip finish").into_inner()
    }
}

fn sheet_number(name: &str) -> Option<u32> {
    name.strip_prefix("xl/worksheets/sheet")?
        .strip_suffix(".xml")?
        .parse()
        .ok()
}

/// Multiplies every numeric cell value above `floor` by `factor`, keeping integers integral and
/// decimals at two places.
fn scale_numbers(xml: &str, factor: f64, floor: f64) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find("<c ") {
        let Some(tag_end) = rest[start..].find('>').map(|e| start + e) else {
            break;
        };
        let tag = &rest[start..tag_end];
        let numeric = !tag.contains(" t=") || tag.contains(" t=\"n\"");
        let value_at = rest[tag_end..].find("<v>").map(|v| tag_end + v + 3);
        let cell_end = rest[tag_end..].find("</c>").map(|c| tag_end + c);
        match (numeric, value_at, cell_end) {
            (true, Some(v), Some(c)) if v < c => {
                let v_end = v + rest[v..].find("</v>").unwrap_or(0);
                out.push_str(&rest[..v]);
                let text = &rest[v..v_end];
                match text.parse::<f64>() {
                    Ok(x) if x > floor => {
                        let y = x * factor;
                        if text.contains('.') {
                            out.push_str(&format!("{:.2}", y));
                        } else {
                            out.push_str(&format!("{}", y.round() as i64));
                        }
                    }
                    _ => out.push_str(text),
                }
                rest = &rest[v_end..];
            }
            _ => {
                out.push_str(&rest[..tag_end]);
                rest = &rest[tag_end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Registers `sheet_extra.xml` in the workbook, its relationships and the content types.
fn add_sheet(name: &str, data: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(data);
    let text = match name {
        "xl/workbook.xml" => text.replace(
            "</sheets>",
            r#"<sheet name="明细" sheetId="99" state="visible" r:id="rIdExtra" /></sheets>"#,
        ),
        "xl/_rels/workbook.xml.rels" => text.replace(
            "</Relationships>",
            r#"<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet_extra.xml" Id="rIdExtra" /></Relationships>"#,
        ),
        "[Content_Types].xml" => text.replace(
            "</Types>",
            r#"<Override PartName="/xl/worksheets/sheet_extra.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml" /></Types>"#,
        ),
        _ => return data.to_vec(),
    };
    text.into_bytes()
}

/// A sheet of `rows` rows: a text label and nine amounts each.
fn extra_sheet(rows: usize, rng: &mut SplitMix) -> String {
    let mut s = String::with_capacity(rows * 300);
    s.push_str(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    for r in 1..=rows {
        s.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>明细{r}</t></is></c>"#
        ));
        for (k, col) in ["B", "C", "D", "E", "F", "G", "H", "I", "J"]
            .iter()
            .enumerate()
        {
            let v = (rng.next() % 1_000_000) as f64 / 100.0 + k as f64;
            s.push_str(&format!(r#"<c r="{col}{r}"><v>{v:.2}</v></c>"#));
        }
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
