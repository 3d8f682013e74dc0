//! The seed's tables in other layouts: moved on the sheet, renamed sheets, a cover sheet, both
//! tables on one sheet, amounts and rates typed as text. Each variant must give the seed's nine
//! findings at the cells where they landed (or, built from the corrected seed, no finding at all).
//!
//! The `builder_*` tests check the builder itself against the fixtures; they need no checker.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use calamine::Data;
use common::builder::{self, Amounts, Built, Layout, Names, Percents, Variant, BASIC, SCORE};
use common::*;

macro_rules! layout_tests {
    ($($name:ident => $variant:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_variant(&$variant);
            }
        )*

        /// Every variant the tests above run, by test name.
        fn all_variants() -> Vec<(&'static str, Variant)> {
            vec![$((stringify!($name), $variant)),*]
        }
    };
}

const SEED: Variant = Variant::seed();
const CLEAN: Variant = Variant::clean();

/// Cover sheet, 附件1/附件2, tables moved, amounts with thousands separators, `99.54％`.
const EVERYTHING_TWO_SHEETS: Variant = Variant {
    cover: true,
    names: Names::Attachment,
    basic_origin: "F10",
    score_origin: "C5",
    amounts: Amounts::CommaText,
    percents: Percents::FullWidthText,
    ..SEED
};

/// Cover sheet, one sheet `Sheet1` with the scorecard on top at D2, the basic table below at
/// column B, full-width amounts, `99.54%` as text.
const EVERYTHING_ONE_SHEET: Variant = Variant {
    cover: true,
    names: Names::Generic,
    layout: Layout::OneSheetScoreFirst,
    basic_origin: "B1",
    score_origin: "D2",
    amounts: Amounts::FullWidthText,
    percents: Percents::Text,
    ..SEED
};

layout_tests! {
    seed_as_in_fixture => SEED;
    clean_as_in_fixture => CLEAN;
    seed_tables_moved => Variant { basic_origin: "F10", score_origin: "C5", ..SEED };
    clean_tables_moved => Variant { basic_origin: "F10", score_origin: "C5", ..CLEAN };
    seed_sheets_named_fujian => Variant { names: Names::Attachment, ..SEED };
    clean_sheets_named_fujian => Variant { names: Names::Attachment, ..CLEAN };
    seed_sheets_named_sheet1_sheet2 => Variant { names: Names::Generic, ..SEED };
    clean_sheets_named_sheet1_sheet2 => Variant { names: Names::Generic, ..CLEAN };
    seed_after_cover_sheet => Variant { cover: true, ..SEED };
    clean_after_cover_sheet => Variant { cover: true, ..CLEAN };
    seed_one_sheet_basic_first => Variant { layout: Layout::OneSheetBasicFirst, ..SEED };
    clean_one_sheet_basic_first => Variant { layout: Layout::OneSheetBasicFirst, ..CLEAN };
    seed_one_sheet_scorecard_first => Variant { layout: Layout::OneSheetScoreFirst, ..SEED };
    clean_one_sheet_scorecard_first => Variant { layout: Layout::OneSheetScoreFirst, ..CLEAN };
    seed_amounts_as_text_with_commas => Variant { amounts: Amounts::CommaText, ..SEED };
    clean_amounts_as_text_with_commas => Variant { amounts: Amounts::CommaText, ..CLEAN };
    seed_amounts_as_full_width_text => Variant { amounts: Amounts::FullWidthText, ..SEED };
    clean_amounts_as_full_width_text => Variant { amounts: Amounts::FullWidthText, ..CLEAN };
    seed_rates_as_percent_text => Variant { percents: Percents::Text, ..SEED };
    clean_rates_as_percent_text => Variant { percents: Percents::Text, ..CLEAN };
    seed_rates_as_full_width_percent_text => Variant { percents: Percents::FullWidthText, ..SEED };
    clean_rates_as_full_width_percent_text => Variant { percents: Percents::FullWidthText, ..CLEAN };
    seed_everything_two_sheets => EVERYTHING_TWO_SHEETS;
    clean_everything_two_sheets => Variant { clean: true, ..EVERYTHING_TWO_SHEETS };
    seed_everything_one_sheet => EVERYTHING_ONE_SHEET;
    clean_everything_one_sheet => Variant { clean: true, ..EVERYTHING_ONE_SHEET };
}

// ---------------------------------------------------------------------------------------------
// The builder itself

/// Differences between a built variant and its fixture, every fixture cell looked up where the
/// builder says it landed. `exact`: same sheet names, same value types, nothing added.
fn differences(built: &Built, exact: bool) -> Vec<String> {
    let fixture_path = fixture(built.variant.fixture_name());
    let (fixture_sheets, fixture_cells) = read_cells(&fixture_path);
    let (sheets, cells) = read_cells(&built.path);
    let mut out = Vec::new();
    if exact && sheets != fixture_sheets {
        out.push(format!("sheets {sheets:?}, fixture has {fixture_sheets:?}"));
    }
    let moved = |sheet: &str, cell: &str| {
        built.locate(&CellRef {
            sheet: sheet.into(),
            cell: cell.into(),
            what: String::new(),
        })
    };
    let key = |c: &CellRef| {
        let (r, col) = parse_a1(&c.cell);
        (c.sheet.clone(), r, col)
    };

    let mut placed = BTreeSet::new();
    for ((sheet, r, c), want) in &fixture_cells {
        let to = moved(sheet, &a1(*r, *c));
        let got = cells.get(&key(&to));
        placed.insert(key(&to));
        let same = match (want, got) {
            (_, None) => false,
            (w, Some(g)) if exact => w == g,
            (Data::String(w), Some(Data::String(g))) if numeric(want).is_none() => w == g,
            (w, Some(g)) => numeric(w).is_some() && numeric(w) == numeric(g),
        };
        if !same {
            out.push(format!(
                "{sheet}!{} → {to}: fixture {want:?}, built {got:?}",
                a1(*r, *c)
            ));
        }
    }
    for (k, v) in &cells {
        if !placed.contains(k) && k.0 != "封面" {
            out.push(format!("extra cell {}!{} = {v:?}", k.0, a1(k.1, k.2)));
        }
    }

    let fixture_merges = read_merges(&fixture_path);
    let merges = read_merges(&built.path);
    let mut want_merges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (sheet, ranges) in &fixture_merges {
        for range in ranges {
            let (first, last) = range.split_once(':').expect("range");
            let (f, l) = (moved(sheet, first), moved(sheet, last));
            want_merges
                .entry(f.sheet.clone())
                .or_default()
                .insert(format!("{}:{}", f.cell, l.cell));
        }
    }
    for (sheet, want) in &want_merges {
        let got = merges.get(sheet).cloned().unwrap_or_default();
        if &got != want {
            out.push(format!(
                "merged ranges of {sheet}: built {got:?}, want {want:?}"
            ));
        }
    }

    for sheet in &fixture_sheets {
        let to_sheet = &built.placement_of(sheet).sheet;
        let formats = read_formats(&built.path, to_sheet);
        for ((r, c), code) in read_formats(&fixture_path, sheet) {
            let to = moved(sheet, &a1(r, c));
            let (tr, tc) = parse_a1(&to.cell);
            let is_number = matches!(cells.get(&key(&to)), Some(Data::Float(_) | Data::Int(_)));
            if is_number && formats.get(&(tr, tc)) != Some(&code) {
                out.push(format!(
                    "{to}: number format {:?}, fixture has {code:?}",
                    formats.get(&(tr, tc))
                ));
            }
        }
    }
    out
}

fn assert_builds_like_fixture(variant: &Variant, exact: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = variant.write(&dir.path().join("variant.xlsx"));
    let diffs = differences(&built, exact);
    assert!(diffs.is_empty(), "{variant:?}:\n  {}", diffs.join("\n  "));
}

#[test]
fn builder_reproduces_the_seed_fixture() {
    assert_builds_like_fixture(&SEED, true);
}

#[test]
fn builder_reproduces_the_corrected_fixture() {
    assert_builds_like_fixture(&CLEAN, true);
}

#[test]
fn builder_places_every_fixture_cell_where_it_says() {
    for (name, variant) in all_variants() {
        eprintln!("{name}");
        assert_builds_like_fixture(&variant, false);
    }
}

/// The address arithmetic, worked out by hand for two variants.
#[test]
fn builder_reports_moved_addresses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at = |built: &Built, sheet: &str, cell: &str| {
        built
            .locate(&CellRef {
                sheet: sheet.into(),
                cell: cell.into(),
                what: String::new(),
            })
            .to_string()
    };

    let moved = Variant {
        basic_origin: "F10",
        score_origin: "C5",
        ..SEED
    }
    .write(&dir.path().join("a.xlsx"));
    assert_eq!(at(&moved, "基础数据表", "D3"), "基础数据表!I12");
    assert_eq!(at(&moved, "基础数据表", "C6"), "基础数据表!H15");
    assert_eq!(at(&moved, "绩效自评表", "G6"), "绩效自评表!I10");
    assert_eq!(at(&moved, "绩效自评表", "I29"), "绩效自评表!K33");

    let one = EVERYTHING_ONE_SHEET.write(&dir.path().join("b.xlsx"));
    // scorecard A1 at D2; it spans 32 rows, then 3 blank rows, then the basic table at column B
    assert_eq!(at(&one, "绩效自评表", "G4"), "Sheet1!J5");
    assert_eq!(at(&one, "绩效自评表", "H29"), "Sheet1!K30");
    assert_eq!(at(&one, "基础数据表", "A1"), "Sheet1!B37");
    assert_eq!(at(&one, "基础数据表", "D6"), "Sheet1!E42");
    assert_eq!(SCORE.size.0, 32);
    assert_eq!(BASIC.size.0, 23);
    assert_eq!(builder::GAP, 3);

    let flagged: Vec<String> = one
        .want
        .must_flag
        .iter()
        .map(|m| m.at().to_string())
        .collect();
    assert!(
        flagged.iter().any(|c| c.starts_with("Sheet1!J7 ")),
        "G6 moved to J7: {flagged:?}"
    );
    assert_eq!(one.want.must_not_flag.len(), 19);
}

#[test]
fn text_knobs_type_numbers_as_people_do() {
    assert_eq!(builder::with_commas(3157.85), "3,157.85");
    assert_eq!(builder::with_commas(2019.0), "2,019");
    assert_eq!(builder::with_commas(-157.36), "-157.36");
    assert_eq!(builder::with_commas(952.9), "952.9");
    assert_eq!(builder::full_width("3157.85"), "３１５７．８５");
    assert_eq!(builder::full_width("-157.36"), "－１５７．３６");
    assert_eq!(
        number_in("３１５７．８５").map(|n| n.0.to_string()),
        Some("3157.85".into())
    );
    assert_eq!(
        number_in("99.54％").map(|n| (n.0.to_string(), n.1)),
        Some(("99.54".into(), true))
    );
    assert!(same_expected(&"0.798".into(), &"79.80%".into()));
    assert!(same_expected(&"3.80".into(), &"3.8".into()));
    assert!(!same_expected(&"9.96".into(), &"9.95".into()));
    assert!(!same_expected(&serde_json::Value::Null, &"10".into()));
}
