//! `jixiao template`: the blank workbook a department fills in, drawn from a layout template
//! (its labels, `print` texts and `[blank]` section), so a new family gets a blank for free.
//!
//! The output is deterministic: the same template, year and department give the same bytes
//! (the document's creation date is fixed), so the blanks committed in `workbook-templates/blank/`
//! can be held against a fresh one.

use std::path::Path;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::i18n::errors::{os_error, ErrMsg};
use crate::i18n::{msg, Lang, Message};
use crate::model::text::text_width;
use crate::model::Kind;
use crate::template::{
    fill_placeholders, FieldDef, HeaderBlock, IndicatorGroup, IndicatorSubgroup, Template,
};

/// Light fill of the cells a department fills in.
const INPUT_FILL: u32 = 0xFFF2CC;
const FONT: &str = "宋体";

#[derive(Debug, Clone, Default)]
pub struct BlankOptions {
    /// The year of the report (default: the template's `[blank] year`).
    pub year: Option<u32>,
    /// The department, printed in the titles and the 预算部门名称 cell.
    pub dept: Option<String>,
    /// Rows printed for each repeated row (default: the template's `repeat_rows`).
    pub repeat_rows: Option<u32>,
    /// The 绩效指标 rows to print instead of the template's groups: 一级, 二级 and 三级指标 of
    /// each, the rows of one 一级/二级指标 next to each other (`jixiao import`).
    pub indicators: Option<Vec<[String; 3]>>,
    /// Whether to print the 总分 row (default: as the template says).
    pub total_row: Option<bool>,
    /// Cells filled in once the tables are drawn (`jixiao import`).
    pub cells: Vec<FilledCell>,
}

/// A cell the blank is filled in with: on its first (基础数据表) or second sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledCell {
    pub sheet: usize,
    pub row: u32,
    pub col: u32,
    pub content: Filled,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filled {
    /// A number with its number format code (`0.00%`).
    Number {
        value: f64,
        format: String,
    },
    Text(String),
    /// Nothing, in the number format given (the 分值 a blank prints, taken out).
    Blank {
        format: String,
    },
}

#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub enum BlankError {
    Xlsx(#[from] XlsxError),
    Write { path: String, message: Message },
    Exists(String),
    Year(u32),
}

impl BlankError {
    /// The one line said about it.
    pub fn message(&self) -> Message {
        match self {
            BlankError::Xlsx(e) => msg!(ErrMsg::BlankFailed, e.to_string()),
            BlankError::Write { path, message } => msg!(ErrMsg::CannotWrite, path, message),
            BlankError::Exists(path) => msg!(ErrMsg::BlankExists, path),
            BlankError::Year(year) => msg!(ErrMsg::YearOutOfRange, *year),
        }
    }
}

/// The blank workbook as .xlsx bytes.
pub fn to_bytes(template: &Template, opts: &BlankOptions) -> Result<Vec<u8>, BlankError> {
    let year = opts.year.unwrap_or(template.blank.year);
    if !(2000..=2100).contains(&year) {
        return Err(BlankError::Year(year));
    }
    let dept = opts.dept.clone().unwrap_or_default();
    let groups = match &opts.indicators {
        Some(rows) => groups_of(rows),
        None => template.blank.groups.clone(),
    };
    let ctx = Ctx {
        t: template,
        year,
        dept: dept.trim().to_string(),
        st: Styles::new(),
        repeat_rows: opts.repeat_rows.unwrap_or(template.blank.repeat_rows),
        groups,
        names: opts
            .indicators
            .iter()
            .flatten()
            .map(|[_, _, name]| name.clone())
            .collect(),
        next_name: std::cell::Cell::new(0),
        total_row: opts.total_row.unwrap_or(template.blank.total_row),
    };
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(u16::try_from(year).unwrap_or(2024), 1, 1)?;
    let title = ctx.fill(&template.blank.score_title);
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("jixiao")
            .set_comment(format!(
                "由 jixiao template 按模板 {} 生成；浅黄色单元格由部门填写",
                template.family
            ))
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    ws.set_name(&template.blank.basic_sheet)?;
    ctx.basic_sheet(ws)?;
    ctx.fill_cells(ws, &opts.cells, 0)?;
    let ws = wb.add_worksheet();
    ws.set_name(&template.blank.score_sheet)?;
    ctx.score_sheet(ws)?;
    ctx.fill_cells(ws, &opts.cells, 1)?;
    Ok(wb.save_to_buffer()?)
}

/// The 一级/二级指标 groups of `rows`, one 二级指标 for each run of rows under the same pair.
fn groups_of(rows: &[[String; 3]]) -> Vec<IndicatorGroup> {
    let mut groups: Vec<IndicatorGroup> = Vec::new();
    for [level1, level2, _] in rows {
        match groups.last_mut() {
            Some(g) if g.level1 == *level1 => match g.level2.last_mut() {
                Some(sub) if sub.name == *level2 => sub.rows += 1,
                _ => g.level2.push(IndicatorSubgroup {
                    name: level2.clone(),
                    rows: 1,
                }),
            },
            _ => groups.push(IndicatorGroup {
                level1: level1.clone(),
                points: None,
                level2: vec![IndicatorSubgroup {
                    name: level2.clone(),
                    rows: 1,
                }],
            }),
        }
    }
    groups
}

/// Writes the blank workbook to `path`.
pub fn write(
    template: &Template,
    opts: &BlankOptions,
    path: &Path,
    force: bool,
) -> Result<(), BlankError> {
    if path.exists() && !force {
        return Err(BlankError::Exists(path.display().to_string()));
    }
    let bytes = to_bytes(template, opts)?;
    std::fs::write(path, bytes).map_err(|e| BlankError::Write {
        path: path.display().to_string(),
        message: os_error(&e),
    })
}

/// `jixiao template [--family NAME] [--year YYYY] [--dept NAME] -o FILE`.
#[derive(clap::Args, Debug, Clone)]
pub struct TemplateArgs {
    /// A built-in family: hunan-2024 (default), hunan-2018, hunan-2024-extended.
    #[arg(long, value_name = "NAME")]
    pub family: Option<String>,
    /// A template file of your own instead of a built-in family.
    #[arg(long, value_name = "FILE")]
    pub template: Option<std::path::PathBuf>,
    /// The report year printed in the titles and headers (default: the template's).
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u32>,
    /// The department printed in the titles and the 预算部门名称 cell.
    #[arg(long, value_name = "NAME")]
    pub dept: Option<String>,
    /// The workbook to write.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: std::path::PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

impl TemplateArgs {
    /// Writes the blank, saying so or why not in `lang`; exit status 0 when written, 2
    /// otherwise.
    pub fn run(&self, lang: Lang) -> i32 {
        let template =
            match crate::template::load_or_family(self.template.as_deref(), self.family.as_deref())
            {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{}", e.render(lang));
                    return 2;
                }
            };
        let opts = BlankOptions {
            year: self.year,
            dept: self.dept.clone(),
            ..BlankOptions::default()
        };
        match write(&template, &opts, &self.out, self.force) {
            Ok(()) => {
                let written = msg!(
                    ErrMsg::BlankWritten,
                    self.out.display().to_string(),
                    &template.family,
                    self.year.unwrap_or(template.blank.year)
                );
                println!("{}", written.render(lang));
                0
            }
            Err(e) => {
                eprintln!("{}", e.message().render(lang));
                2
            }
        }
    }
}

struct Styles {
    /// What every input cell has, before its number format.
    input: Format,
    title: Format,
    label: Format,
    header: Format,
    group: Format,
    blank: Format,
    note: Format,
    text_input: Format,
    long_input: Format,
    amount: Format,
    rate: Format,
    score: Format,
    count: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(10)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let input = base.clone().set_background_color(Color::RGB(INPUT_FILL));
        Styles {
            input: input.clone(),
            title: Format::new()
                .set_font_name(FONT)
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            label: base.clone(),
            header: base.clone().set_bold().set_align(FormatAlign::Center),
            group: base.clone().set_align(FormatAlign::Center),
            blank: base.clone(),
            note: Format::new()
                .set_font_name(FONT)
                .set_font_size(9)
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            text_input: input.clone().set_num_format("@"),
            long_input: input
                .clone()
                .set_num_format("@")
                .set_align(FormatAlign::Top),
            amount: input.clone().set_num_format("0.00"),
            rate: input.clone().set_num_format("0.00%"),
            score: input.clone().set_num_format("0.00"),
            count: input.set_num_format("0"),
        }
    }

    fn input(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Amount => &self.amount,
            Kind::Rate => &self.rate,
            Kind::Score => &self.score,
            Kind::Count => &self.count,
        }
    }
}

struct Ctx<'a> {
    t: &'a Template,
    year: u32,
    dept: String,
    st: Styles,
    repeat_rows: u32,
    groups: Vec<IndicatorGroup>,
    /// The 三级指标 printed in the indicator rows, top to bottom, and the next to print.
    names: Vec<String>,
    next_name: std::cell::Cell<usize>,
    total_row: bool,
}

type R = Result<(), XlsxError>;

/// The first label variant, as printed in a blank.
fn first_of(labels: &[String]) -> String {
    labels.first().cloned().unwrap_or_default()
}

/// Column index as the writer wants it.
fn c16(col: u32) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

impl Ctx<'_> {
    fn fill(&self, text: &str) -> String {
        fill_placeholders(text, self.year, &self.dept)
    }

    /// Writes the cells of sheet `sheet` over the drawn table, in the input cells' style.
    fn fill_cells(&self, ws: &mut Worksheet, cells: &[FilledCell], sheet: usize) -> R {
        for c in cells.iter().filter(|c| c.sheet == sheet) {
            let col = c16(c.col);
            match &c.content {
                Filled::Number { value, format } => {
                    let f = self.st.input.clone().set_num_format(format);
                    ws.write_number_with_format(c.row, col, *value, &f)?;
                }
                Filled::Text(text) => {
                    ws.write_string_with_format(c.row, col, text, &self.st.text_input)?;
                }
                Filled::Blank { format } => {
                    let f = self.st.input.clone().set_num_format(format);
                    ws.write_blank(c.row, col, &f)?;
                }
            }
        }
        Ok(())
    }

    fn printed(&self, def: &FieldDef) -> String {
        self.fill(
            def.print
                .as_deref()
                .unwrap_or_else(|| def.labels.first().map(String::as_str).unwrap_or("")),
        )
    }

    fn text(&self, ws: &mut Worksheet, row: u32, col: u32, text: &str, f: &Format) -> R {
        if text.is_empty() {
            ws.write_blank(row, c16(col), f)?;
        } else {
            ws.write_string_with_format(row, c16(col), text, f)?;
        }
        Ok(())
    }

    /// A merged range, or one cell when the range is a single cell.
    fn merged(
        &self,
        ws: &mut Worksheet,
        (r1, c1): (u32, u32),
        (r2, c2): (u32, u32),
        text: &str,
        f: &Format,
    ) -> R {
        if (r1, c1) == (r2, c2) {
            return self.text(ws, r1, c1, text, f);
        }
        ws.merge_range(r1, c16(c1), r2, c16(c2), text, f)?;
        Ok(())
    }

    /// Empty bordered cells from `from` to `to` in `row`, so the table has its grid.
    fn pad(&self, ws: &mut Worksheet, row: u32, from: u32, to: u32) -> R {
        for col in from..=to {
            ws.write_blank(row, c16(col), &self.st.blank)?;
        }
        Ok(())
    }

    fn input(&self, ws: &mut Worksheet, row: u32, col: u32, def: &FieldDef) -> R {
        match def.default {
            Some(v) => {
                ws.write_number_with_format(row, c16(col), v, self.st.input(def.kind))?;
            }
            None => {
                ws.write_blank(row, c16(col), self.st.input(def.kind))?;
            }
        }
        Ok(())
    }

    fn widths(&self, ws: &mut Worksheet, given: &[f64], texts: &[(u32, String)], ncols: u32) -> R {
        for col in 0..ncols {
            let width = given.get(col as usize).copied().unwrap_or_else(|| {
                let longest = texts
                    .iter()
                    .filter(|(c, _)| *c == col)
                    .map(|(_, t)| text_width(t))
                    .max()
                    .unwrap_or(8);
                (longest as f64 + 2.0).clamp(10.0, 36.0)
            });
            ws.set_column_width(c16(col), width)?;
        }
        Ok(())
    }

    /// A block with its anchor merged down two rows, headers beside it and one input row below.
    fn header_block(
        &self,
        ws: &mut Worksheet,
        row: u32,
        block: &HeaderBlock,
        last: u32,
        texts: &mut Vec<(u32, String)>,
    ) -> R {
        let st = &self.st;
        let anchor = self.fill(block.print.as_deref().unwrap_or(&block.anchor[0]));
        self.merged(ws, (row, 0), (row + 1, 0), &anchor, &st.label)?;
        texts.push((0, anchor));
        for (i, def) in block.columns.iter().enumerate() {
            let col = 1 + i as u32;
            let header = self.printed(def);
            self.text(ws, row, col, &header, &st.header)?;
            texts.push((col, header));
            self.input(ws, row + 1, col, def)?;
        }
        let used = block.columns.len() as u32;
        if used < last {
            self.pad(ws, row, used + 1, last)?;
            self.pad(ws, row + 1, used + 1, last)?;
        }
        Ok(())
    }

    fn basic_sheet(&self, ws: &mut Worksheet) -> R {
        let t = self.t;
        let b = &t.blank;
        let basic = &t.basic;
        let ncols = 1 + basic
            .staff
            .columns
            .len()
            .max(b.spending_headers.len())
            .max(basic.building.columns.len())
            .max(1) as u32;
        let last = ncols - 1;
        let mut texts: Vec<(u32, String)> = Vec::new();
        let st = &self.st;

        self.merged(ws, (0, 0), (0, last), &self.fill(&b.basic_title), &st.title)?;
        ws.set_row_height(0, 36)?;
        let mut row = 1;

        // 财政供养人员情况: anchor down two rows, headers, one value row.
        self.header_block(ws, row, &basic.staff, last, &mut texts)?;
        row += 2;

        row = self.spending_block(ws, row, last, &mut texts)?;

        // 楼堂馆所控制情况.
        self.header_block(ws, row, &basic.building, last, &mut texts)?;
        row += 2;

        // 厉行节约保障措施: free text.
        if !b.measures.is_empty() {
            self.text(ws, row, 0, &b.measures, &st.label)?;
            self.merged(ws, (row, 1), (row, last.max(1)), "", &st.long_input)?;
            ws.set_row_height(row, 80)?;
            row += 1;
        }
        if !b.basic_note.is_empty() {
            self.merged(ws, (row, 0), (row, last), &b.basic_note, &st.note)?;
            ws.set_row_height(row, 30)?;
        }
        self.widths(ws, &b.basic_widths, &texts, ncols)?;
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        Ok(())
    }

    /// 经费控制情况 from `row`: headers with the year, then one row a field (a repeated row
    /// several times). Returns the next free row.
    fn spending_block(
        &self,
        ws: &mut Worksheet,
        mut row: u32,
        last: u32,
        texts: &mut Vec<(u32, String)>,
    ) -> Result<u32, XlsxError> {
        let b = &self.t.blank;
        let st = &self.st;
        let spending = &self.t.basic.spending;
        let anchor = self.fill(spending.print.as_deref().unwrap_or(&spending.anchor[0]));
        self.text(ws, row, 0, &anchor, &st.label)?;
        texts.push((0, anchor));
        for (i, h) in b.spending_headers.iter().enumerate() {
            let col = 1 + i as u32;
            let header = self.fill(h);
            self.text(ws, row, col, &header, &st.header)?;
            texts.push((col, header));
        }
        let ncolumns = b.spending_headers.len() as u32;
        if ncolumns < last {
            self.pad(ws, row, ncolumns + 1, last)?;
        }
        row += 1;
        for def in &spending.rows {
            let first = def.labels.first().cloned().unwrap_or_default();
            let printed = self.fill(def.print.as_deref().unwrap_or(&first));
            let times = if def.repeat {
                self.repeat_rows.max(1)
            } else {
                1
            };
            for n in 0..times {
                let label = if n == 0 {
                    printed.clone()
                } else {
                    format!("{first}：")
                };
                self.text(ws, row, 0, &label, &st.label)?;
                texts.push((0, label));
                for col in 1..=ncolumns {
                    ws.write_blank(row, c16(col), &st.amount)?;
                }
                if ncolumns < last {
                    self.pad(ws, row, ncolumns + 1, last)?;
                }
                row += 1;
            }
        }
        Ok(row)
    }

    fn score_sheet(&self, ws: &mut Worksheet) -> R {
        let b = &self.t.blank;
        let st = &self.st;
        // A: block labels, B–I: 一级指标 … 偏差原因 (budget figures from C).
        let ncols = (2 + self.t.score.budget.columns.len() as u32).max(9);
        let last = ncols - 1;
        let mut texts: Vec<(u32, String)> = Vec::new();

        self.merged(ws, (0, 0), (0, last), &self.fill(&b.score_title), &st.title)?;
        ws.set_row_height(0, 36)?;
        self.department_row(ws, last)?;
        let row = self.budget_block(ws, last, &mut texts)?;
        let header_row = self.goal_rows(ws, row, last)?;
        let row = self.indicator_table(ws, header_row, last, &mut texts)?;
        let row = self.total_row(ws, row, last)?;

        let note = self.score_note();
        if !note.is_empty() {
            self.merged(ws, (row, 0), (row, last), &note, &st.note)?;
            ws.set_row_height(row, 45)?;
        }
        self.widths(ws, &b.score_widths, &texts, ncols)?;
        ws.set_paper_size(9); // A4
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(header_row, header_row)?;
        Ok(())
    }

    /// 预算部门名称 and its input (row 2).
    fn department_row(&self, ws: &mut Worksheet, last: u32) -> R {
        let label = first_of(&self.t.score.department);
        self.merged(ws, (1, 0), (1, 1), &label, &self.st.label)?;
        self.merged(ws, (1, 2), (1, last), &self.dept, &self.st.text_input)
    }

    /// 年度预算申请: the budget headers and values (rows 3–4), then the labelled fields, all
    /// beside one label merged down columns A–B. Returns the next free row.
    fn budget_block(
        &self,
        ws: &mut Worksheet,
        last: u32,
        texts: &mut Vec<(u32, String)>,
    ) -> Result<u32, XlsxError> {
        let st = &self.st;
        let budget = &self.t.score.budget;
        self.merged(ws, (2, 0), (2, 1), "", &st.blank)?;
        for (i, def) in budget.columns.iter().enumerate() {
            let col = 2 + i as u32;
            let header = self.printed(def);
            self.text(ws, 2, col, &header, &st.header)?;
            texts.push((col, header));
            self.input(ws, 3, col, def)?;
        }
        let budget_last = 1 + budget.columns.len() as u32;
        if budget_last < last {
            self.pad(ws, 2, budget_last + 1, last)?;
            self.pad(ws, 3, budget_last + 1, last)?;
        }
        let row = self.labelled_rows(ws, 4, budget_last, last, texts)?;
        let label = budget
            .print
            .clone()
            .unwrap_or_else(|| "年度预算申请（万元）".into());
        self.merged(ws, (3, 0), (row - 1, 1), &label, &st.label)?;
        Ok(row)
    }

    /// 按收入性质分类 and the other labelled fields from `row`: label–value pairs, as the
    /// template's `[blank] labelled` groups them (one a row by default). Returns the next
    /// free row.
    fn labelled_rows(
        &self,
        ws: &mut Worksheet,
        mut row: u32,
        budget_last: u32,
        last: u32,
        texts: &mut Vec<(u32, String)>,
    ) -> Result<u32, XlsxError> {
        let b = &self.t.blank;
        let fields = &self.t.score.labelled.fields;
        let st = &self.st;
        if !b.income_heading.is_empty() {
            self.merged(
                ws,
                (row, 2),
                (row, budget_last.max(2)),
                &b.income_heading,
                &st.label,
            )?;
            if budget_last < last {
                self.pad(ws, row, budget_last + 1, last)?;
            }
            row += 1;
        }
        let rows: Vec<Vec<String>> = if b.labelled.is_empty() {
            fields.iter().map(|f| vec![f.field.clone()]).collect()
        } else {
            b.labelled.clone()
        };
        for names in &rows {
            let mut used = Vec::new();
            for (j, name) in names.iter().enumerate() {
                let Some(def) = fields.iter().find(|f| &f.field == name) else {
                    continue;
                };
                let col = 2 + 3 * j as u32;
                if col + 1 > last {
                    break;
                }
                let label = self.printed(def);
                self.text(ws, row, col, &label, &st.label)?;
                texts.push((col, label));
                self.input(ws, row, col + 1, def)?;
                used.extend([col, col + 1]);
            }
            for col in 2..=last {
                if !used.contains(&col) {
                    ws.write_blank(row, c16(col), &st.blank)?;
                }
            }
            row += 1;
        }
        Ok(row)
    }

    /// 年度总体目标 from `row`, when the template has it: two headed text inputs. Returns the
    /// next free row.
    fn goal_rows(&self, ws: &mut Worksheet, row: u32, last: u32) -> Result<u32, XlsxError> {
        let b = &self.t.blank;
        let st = &self.st;
        if b.goal.is_empty() {
            return Ok(row);
        }
        let split = 5.min(last);
        let left = b.goal_columns.first().cloned().unwrap_or_default();
        let right = b.goal_columns.get(1).cloned().unwrap_or_default();
        self.merged(ws, (row, 0), (row + 1, 1), &b.goal, &st.label)?;
        self.merged(ws, (row, 2), (row, split), &left, &st.header)?;
        self.merged(ws, (row, split + 1), (row, last), &right, &st.header)?;
        self.merged(ws, (row + 1, 2), (row + 1, split), "", &st.long_input)?;
        self.merged(
            ws,
            (row + 1, split + 1),
            (row + 1, last),
            "",
            &st.long_input,
        )?;
        ws.set_row_height(row + 1, 60)?;
        Ok(row + 2)
    }

    /// 绩效指标: the header at `header_row`, then the groups, 一级/二级指标 merged down their
    /// rows, beside the table's title merged down column A. Returns the next free row.
    fn indicator_table(
        &self,
        ws: &mut Worksheet,
        header_row: u32,
        last: u32,
        texts: &mut Vec<(u32, String)>,
    ) -> Result<u32, XlsxError> {
        let b = &self.t.blank;
        let st = &self.st;
        let ind = &self.t.score.indicators;
        let headers = [
            &ind.level1,
            &ind.level2,
            &ind.name,
            &ind.target,
            &ind.actual,
            &ind.points,
            &ind.score,
            &ind.reason,
        ]
        .map(|labels| first_of(labels));
        for (i, h) in headers.iter().enumerate() {
            let col = 1 + i as u32;
            self.text(ws, header_row, col, h, &st.header)?;
            texts.push((col, h.clone()));
        }
        let mut row = header_row + 1;
        if self.groups.is_empty() {
            let plain = if self.names.is_empty() {
                b.plain_rows
            } else {
                self.names.len() as u32
            };
            for _ in 0..plain.max(1) {
                self.text(ws, row, 1, "", &st.group)?;
                self.text(ws, row, 2, "", &st.group)?;
                self.indicator_inputs(ws, row, last)?;
                row += 1;
            }
        }
        for group in &self.groups {
            row = self.indicator_group(ws, row, group, last, texts)?;
        }
        self.merged(
            ws,
            (header_row, 0),
            (row - 1, 0),
            &b.indicators_title,
            &st.label,
        )?;
        Ok(row)
    }

    /// One 一级指标 from `row`: its 二级指标 each merged down their rows, the 一级指标
    /// merged down them all. Returns the next free row.
    fn indicator_group(
        &self,
        ws: &mut Worksheet,
        mut row: u32,
        group: &IndicatorGroup,
        last: u32,
        texts: &mut Vec<(u32, String)>,
    ) -> Result<u32, XlsxError> {
        let st = &self.st;
        let start = row;
        for sub in &group.level2 {
            let n = sub.rows.max(1);
            self.merged(ws, (row, 2), (row + n - 1, 2), &sub.name, &st.group)?;
            texts.push((2, sub.name.clone()));
            for r in row..row + n {
                self.indicator_inputs(ws, r, last)?;
            }
            row += n;
        }
        if row == start {
            // A 一级指标 without 二级指标: one row.
            self.text(ws, row, 2, "", &st.group)?;
            self.indicator_inputs(ws, row, last)?;
            row += 1;
        }
        self.merged(ws, (start, 1), (row - 1, 1), &group.level1, &st.group)?;
        texts.push((1, group.level1.clone()));
        Ok(row)
    }

    /// The input cells of one indicator row: texts in D–F and I, 分值 and 得分 in G–H; the
    /// next 三级指标 given in D.
    fn indicator_inputs(&self, ws: &mut Worksheet, row: u32, last: u32) -> R {
        let st = &self.st;
        for col in [3, 4, 5, 8] {
            ws.write_blank(row, c16(col), &st.text_input)?;
        }
        let n = self.next_name.get();
        if let Some(name) = self.names.get(n).filter(|n| !n.is_empty()) {
            ws.write_string_with_format(row, 3, name, &st.text_input)?;
        }
        self.next_name.set(n + 1);
        for col in [6, 7] {
            ws.write_blank(row, c16(col), &st.score)?;
        }
        for col in 9..=last {
            ws.write_blank(row, c16(col), &st.blank)?;
        }
        Ok(())
    }

    /// 总分 at `row`, when the template prints it: its 分值, 得分 and grade. Returns the next
    /// free row.
    fn total_row(&self, ws: &mut Worksheet, row: u32, last: u32) -> Result<u32, XlsxError> {
        let st = &self.st;
        if !self.total_row {
            return Ok(row);
        }
        let total = first_of(&self.t.score.indicators.total);
        self.text(ws, row, 0, "", &st.blank)?;
        self.merged(ws, (row, 1), (row, 5), &total, &st.header)?;
        ws.write_blank(row, 6, &st.score)?;
        ws.write_blank(row, 7, &st.score)?;
        ws.write_blank(row, 8, &st.text_input)?;
        if last > 8 {
            self.pad(ws, row, 9, last)?;
        }
        Ok(row + 1)
    }

    /// The scorecard note, with the suggested 分值 of each group when the template gives them.
    fn score_note(&self) -> String {
        let b = &self.t.blank;
        let mut note = b.score_note.clone();
        let budget_points = self
            .t
            .score
            .budget
            .columns
            .iter()
            .find(|f| f.kind == Kind::Score && f.default.is_some())
            .and_then(|f| f.default);
        let groups: Vec<(String, f64)> = b
            .groups
            .iter()
            .filter_map(|g| g.points.map(|p| (g.level1.clone(), p)))
            .collect();
        if !groups.is_empty() {
            let mut parts = Vec::new();
            let mut sum = 0.0;
            if let Some(p) = budget_points {
                parts.push(format!("预算执行率 {p} 分"));
                sum += p;
            }
            for (name, p) in &groups {
                parts.push(format!("{name} {p} 分"));
                sum += p;
            }
            note.push_str(&format!("分值参考：{}，合计 {sum} 分。", parts.join("，")));
        }
        note
    }
}
