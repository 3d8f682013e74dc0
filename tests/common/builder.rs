//! Writes seed-like workbooks in other layouts and says where every seed cell lands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::seed::{self, V};
use super::{a1, fixture, parse_a1, CellRef, Expectations};

/// Sheet names of a variant: the two-sheet names, and the name used when both tables share one sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// `基础数据表` / `绩效自评表`, as in the fixture.
    Standard,
    /// `附件1` / `附件2`.
    Attachment,
    /// `Sheet1` / `Sheet2`.
    Generic,
}

impl Names {
    fn two(self) -> (&'static str, &'static str) {
        match self {
            Names::Standard => ("基础数据表", "绩效自评表"),
            Names::Attachment => ("附件1", "附件2"),
            Names::Generic => ("Sheet1", "Sheet2"),
        }
    }

    fn single(self) -> &'static str {
        match self {
            Names::Standard => "部门整体支出绩效自评",
            Names::Attachment => "附件",
            Names::Generic => "Sheet1",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Basic table on one sheet, scorecard on the next.
    TwoSheets,
    /// Both on one sheet: basic table on top, scorecard below after [`GAP`] blank rows.
    OneSheetBasicFirst,
    /// Both on one sheet: scorecard on top, basic table below after [`GAP`] blank rows.
    OneSheetScoreFirst,
}

/// How the 万元 amounts are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amounts {
    Numbers,
    /// Text with thousands separators: `3,157.85`.
    CommaText,
    /// Full-width text: `３１５７．８５`, `－１５７．３６`.
    FullWidthText,
}

/// How the two rate cells (基础数据表 D3, 绩效自评表 G4) are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Percents {
    /// A ratio formatted `0.00%`.
    Numbers,
    /// Text `99.54%`.
    Text,
    /// Text with a full-width percent sign: `99.54％`.
    FullWidthText,
}

/// Blank rows between the two tables when they share a sheet.
pub const GAP: u32 = 3;

/// The knobs of a seed-like workbook. `Variant::seed()` is the fixture itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variant {
    /// Use the corrected fixture's values: nothing may be flagged.
    pub clean: bool,
    pub names: Names,
    /// A `封面` sheet with a title and some text, placed first.
    pub cover: bool,
    pub layout: Layout,
    /// Top-left cell of the basic table (in a one-sheet layout where it comes second, only its column counts).
    pub basic_origin: &'static str,
    /// Top-left cell of the scorecard (in a one-sheet layout where it comes second, only its column counts).
    pub score_origin: &'static str,
    pub amounts: Amounts,
    pub percents: Percents,
}

impl Variant {
    pub const fn seed() -> Variant {
        Variant {
            clean: false,
            names: Names::Standard,
            cover: false,
            layout: Layout::TwoSheets,
            basic_origin: "A1",
            score_origin: "A1",
            amounts: Amounts::Numbers,
            percents: Percents::Numbers,
        }
    }

    pub const fn clean() -> Variant {
        Variant {
            clean: true,
            ..Variant::seed()
        }
    }

    /// The fixture whose values and `.expected.json` this variant reproduces.
    pub fn fixture_name(&self) -> &'static str {
        if self.clean {
            "seed-leiyang-2024-corrected.xlsx"
        } else {
            "seed-leiyang-2024.xlsx"
        }
    }

    /// Writes the workbook to `path` and returns where everything landed.
    pub fn write(&self, path: &Path) -> Built {
        let (basic, score) = self.placements();
        let mut wb = Workbook::new();
        let mut order: Vec<&str> = Vec::new();
        if self.cover {
            order.push(COVER);
        }
        for name in [basic.sheet.as_str(), score.sheet.as_str()] {
            if !order.contains(&name) {
                order.push(name);
            }
        }
        for name in order {
            let ws = wb.add_worksheet();
            ws.set_name(name).expect("sheet name");
            if name == COVER {
                write_cover(ws);
                continue;
            }
            let mut widths = BTreeMap::new();
            for (table, at) in [(&BASIC, &basic), (&SCORE, &score)] {
                if at.sheet == name {
                    self.write_table(ws, table, at, &mut widths);
                }
            }
            for (col, width) in widths {
                ws.set_column_width(col, width).expect("column width");
            }
        }
        wb.save(path).expect("save workbook");
        let want = Expectations::load(&fixture(&format!("{}.expected.json", self.fixture_name())));
        let built = Built {
            path: path.to_path_buf(),
            variant: *self,
            basic,
            score,
            want: Expectations::default(),
        };
        let want = want.map(|c| built.locate(c));
        Built { want, ..built }
    }

    fn placements(&self) -> (Placement, Placement) {
        let (b_row, b_col) = parse_a1(self.basic_origin);
        let (s_row, s_col) = parse_a1(self.score_origin);
        let (basic_name, score_name) = self.names.two();
        let single = self.names.single().to_string();
        let at = |sheet: &str, row, col| Placement {
            sheet: sheet.to_string(),
            row,
            col,
        };
        match self.layout {
            Layout::TwoSheets => (at(basic_name, b_row, b_col), at(score_name, s_row, s_col)),
            Layout::OneSheetBasicFirst => (
                at(&single, b_row, b_col),
                at(&single, b_row + BASIC.size.0 + GAP, s_col),
            ),
            Layout::OneSheetScoreFirst => (
                at(&single, s_row + SCORE.size.0 + GAP, b_col),
                at(&single, s_row, s_col),
            ),
        }
    }

    fn write_table(
        &self,
        ws: &mut Worksheet,
        table: &Table,
        at: &Placement,
        widths: &mut BTreeMap<u16, f64>,
    ) {
        let wrap = Format::new().set_text_wrap();
        let pct = Format::new().set_text_wrap().set_num_format("0.00%");
        let score = Format::new().set_text_wrap().set_num_format("0.00");
        for range in table.merged {
            let (first, last) = range.split_once(':').expect("merged range");
            let (r1, c1) = at.shift(first);
            let (r2, c2) = at.shift(last);
            ws.merge_range(r1, c1, r2, c2, "", &wrap).expect("merge");
        }
        for (cell, value) in table.cells(self.clean) {
            let (row, col) = at.shift(&cell);
            let result = match self.render(value) {
                Written::Text(text) => ws.write_string_with_format(row, col, text, &wrap),
                Written::Number(n) => ws.write_number_with_format(row, col, n, &wrap),
                Written::Percent(n) => ws.write_number_with_format(row, col, n, &pct),
                Written::Score(n) => ws.write_number_with_format(row, col, n, &score),
                Written::Nothing => continue,
            };
            result.expect("write cell");
        }
        for (i, &w) in table.widths.iter().enumerate() {
            let col = u16::try_from(at.col + i as u32).expect("column");
            let entry = widths.entry(col).or_insert(w);
            *entry = entry.max(w);
        }
    }

    fn render(&self, value: V) -> Written {
        match value {
            V::S(s) => Written::Text(s.to_string()),
            V::N(n) => Written::Number(n),
            V::Score(n) => Written::Score(n),
            V::Blank => Written::Nothing,
            V::Amount(n) => match self.amounts {
                Amounts::Numbers => Written::Number(n),
                Amounts::CommaText => Written::Text(with_commas(n)),
                Amounts::FullWidthText => Written::Text(full_width(&n.to_string())),
            },
            V::Pct(p) => match self.percents {
                Percents::Numbers => Written::Percent(p),
                Percents::Text => Written::Text(format!("{:.2}%", p * 100.0)),
                Percents::FullWidthText => Written::Text(format!("{:.2}％", p * 100.0)),
            },
        }
    }
}

enum Written {
    Text(String),
    Number(f64),
    Percent(f64),
    Score(f64),
    Nothing,
}

/// `3157.85` → `3,157.85`, `-157.36` → `-157.36`, `2019` → `2,019`.
pub fn with_commas(n: f64) -> String {
    let plain = n.to_string();
    let (sign, rest) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// ASCII digits, `.`, `-`, `,` and `%` to their full-width forms, as a Chinese input method types them.
pub fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' | '.' | '-' | ',' | '%' => {
                char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

const COVER: &str = "封面";

fn write_cover(ws: &mut Worksheet) {
    let title = Format::new().set_bold().set_font_size(20);
    let lines = [
        (6, "报送单位（盖章）：衡阳市生态环境局耒阳分局"),
        (8, "报送日期：2025年3月20日"),
        (10, "联系人：张三    联系电话：0734-4321000"),
        (
            12,
            "附件：1. 部门整体支出绩效评价基础数据表  2. 部门整体支出绩效自评表",
        ),
    ];
    ws.merge_range(
        2,
        0,
        3,
        7,
        "衡阳市生态环境局耒阳分局2024年度部门整体支出绩效自评报告",
        &title,
    )
    .expect("cover title");
    for (row, text) in lines {
        ws.write_string(row, 1, text).expect("cover text");
    }
    ws.set_column_width(1, 60).expect("cover width");
}

/// One of the seed's two tables.
pub struct Table {
    /// The fixture sheet it comes from, as named in the `.expected.json` files.
    pub fixture_sheet: &'static str,
    cells: &'static [(&'static str, V)],
    corrected: &'static [(&'static str, V)],
    merged: &'static [&'static str],
    widths: &'static [f64],
    /// Rows and columns it spans.
    pub size: (u32, u32),
}

pub const BASIC: Table = Table {
    fixture_sheet: "基础数据表",
    cells: seed::BASIC_CELLS,
    corrected: seed::BASIC_CORRECTED,
    merged: seed::BASIC_MERGED,
    widths: seed::BASIC_WIDTHS,
    size: seed::BASIC_SIZE,
};

pub const SCORE: Table = Table {
    fixture_sheet: "绩效自评表",
    cells: seed::SCORE_CELLS,
    corrected: seed::SCORE_CORRECTED,
    merged: seed::SCORE_MERGED,
    widths: seed::SCORE_WIDTHS,
    size: seed::SCORE_SIZE,
};

impl Table {
    /// Relative address → content, with the corrections applied when `clean`.
    pub fn cells(&self, clean: bool) -> BTreeMap<String, V> {
        let mut out: BTreeMap<String, V> = self
            .cells
            .iter()
            .map(|&(c, v)| (c.to_string(), v))
            .collect();
        if clean {
            out.extend(self.corrected.iter().map(|&(c, v)| (c.to_string(), v)));
        }
        out.retain(|_, v| *v != V::Blank);
        out
    }

    pub fn merged(&self) -> &'static [&'static str] {
        self.merged
    }
}

/// Where a table's top-left cell landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

impl Placement {
    /// Zero-based (row, col) of a table-relative A1 address.
    pub fn shift(&self, relative: &str) -> (u32, u16) {
        let (r, c) = parse_a1(relative);
        (self.row + r, u16::try_from(self.col + c).expect("column"))
    }
}

/// A written variant: its file, where each table landed, and the fixture's expectations moved there.
#[derive(Debug, Clone)]
pub struct Built {
    pub path: PathBuf,
    pub variant: Variant,
    pub basic: Placement,
    pub score: Placement,
    /// The fixture's `.expected.json`, every address moved to where it landed in this variant.
    pub want: Expectations,
}

impl Built {
    /// Where a fixture cell (sheet `基础数据表`/`绩效自评表`, A1 address) landed in this variant.
    pub fn locate(&self, fixture_cell: &CellRef) -> CellRef {
        let at = self.placement_of(&fixture_cell.sheet);
        let (row, col) = at.shift(&fixture_cell.cell);
        CellRef {
            sheet: at.sheet.clone(),
            cell: a1(row, u32::from(col)),
            what: fixture_cell.what.clone(),
        }
    }

    pub fn placement_of(&self, fixture_sheet: &str) -> &Placement {
        if fixture_sheet == BASIC.fixture_sheet {
            &self.basic
        } else if fixture_sheet == SCORE.fixture_sheet {
            &self.score
        } else {
            panic!("no table comes from fixture sheet {fixture_sheet:?}")
        }
    }
}
