//! What the blame stage says: which cell is wrong, what it should be, the slip it looks like;
//! and what `--fix` says of the findings it leaves as filed.

catalogue! {
    pub enum BlameMsg {
        /// `B3 公务用车…小计：…（2024年预算数）未填，应为 0 + 3.8 = 3.80`: rule, label, right side, value.
        MissingCell => "{}：{}未填，应为 {} = {}", "{0}: {1} is blank; it should be {2} = {3}";
        /// A derived cell of a bound: rule, label, expected, found.
        BoundValue => "{}：{}应为 {}，填报为 {}", "{0}: {1} should be {2}; filed as {3}";
        /// `预算执行率：执行率应为 3157.85 ÷ 3172.18 = 99.55%，填报为 99.54%`: rule, label, right
        /// side, expected, why (or nothing), found.
        DerivedValue => "{}：{}应为 {} = {}{}，填报为 {}", "{0}: {1} should be {2} = {3}{4}; filed as {5}";
        /// A rule whose name says whose value it is: rule, its right side explained, expected,
        /// why (or nothing), found.
        ExplainedValue => "{}应为 {} = {}{}，填报为 {}", "{0}: the score should be {1} = {2}{3}; filed as {4}";
        /// After the expected value of a cell truncated instead of rounded.
        RoundNotTruncate => "，应四舍五入而非截断", " (rounded half up, not truncated)";
        /// An input cell blamed: rule, left label, left value, right side, its value, label,
        /// expected, found.
        InputValue => "{}不成立：{} {} ≠ {} = {}；其他单元格与相关检查一致，只有{}应为 {}（填报为 {}）",
            "check \"{0}\" fails: {1} {2} ≠ {3} = {4}; the other cells agree with the related checks, only {5} should be {6} (filed as {7})";
        /// A score computed from the rounded rate: the rate's rule, the rounded rate, what it gives.
        RoundedRate => "得分应按精确比值计算，不能用舍入后的{} {} 计算（得 {}）",
            "the score should be computed from the exact ratio, not from the rounded {0} {1} (which gives {2})";
        /// The other rules one change makes hold.
        AlsoHolds => "同时使{}成立", "this also makes {} hold";
        /// A rule named with its id: `执行率得分（S2）`.
        RuleWithId => "{}（{}）", "{} ({})";
        /// A blank cell's value as filed.
        BlankFiled => "空", "blank";
        /// A rule no repair explains: rule, label, left side, the broken comparison, right side, why.
        DoesNotHold => "{}不成立：{} {} {} {}；{}", "check \"{0}\" fails: {1} {2} {3} {4}; {5}";
        /// No repair, or none of several, stands out.
        Undecided => "无法确定是哪一个单元格填错，请逐项核对", "cannot tell which cell is wrong; please check each one";
        /// Several repairs tie: the repairs.
        Tied => "无法确定是哪一个单元格填错：把{}，都能使各项检查成立，请逐项核对",
            "cannot tell which cell is wrong: changing {} would make every check hold; please check each one";
        /// One cell of a tied repair: label, sheet, cell, value.
        TiedCell => "{}（{}!{}）改为 {}", "{} ({}!{}) to {}";
        /// Between the cells of one tied repair.
        TiedAnd => "并把", " and ";
        /// Between the tied repairs.
        TiedOr => "，或把", ", or ";

        // --fix
        /// The corrected copy could not be read back and checked: why.
        RecheckFailed => "更正版无法复核：{}", "the corrected copy could not be checked again: {}";
        /// Why a re-check failed when it panicked.
        InternalError => "内部错误", "internal error";
        /// No single right value follows from the findings.
        NoSingleValue => "无法确定唯一的正确值，请人工核实", "no single right value follows; please verify by hand";
        /// Findings on the cell give different values.
        ValuesDisagree => "不同的检查给出的值不一致，请人工核实", "the checks give different values; please verify by hand";
        /// The cell is inside a merged range, not its first cell.
        InMergedRange => "单元格在合并区域内，无法单独写入", "the cell lies inside a merged range and cannot be written on its own";
        /// A change the re-check does not settle: new value, severity, sheet, cell, the finding.
        StillFails => "改为 {} 后复核仍不成立：[{}] {}!{} {}", "changed to {}, the re-check still fails: [{}] {}!{} {}";
    }
}
