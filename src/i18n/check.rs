//! What the check stage says: rules that failed, could not run, or could not be read; and
//! the rule registry as `jixiao rules` prints it.

catalogue! {
    pub enum CheckMsg {
        /// `未能检查：B1 财政供养人员控制率（未找到"编制数"）`: id, name, the labels not found, then the close ones.
        NotChecked => "未能检查：{} {}（未找到{}{}）", "not checked: {} {} (not found: {}{})";
        /// A label on the sheet close to a missing one: found, known.
        CloseLabel => "；表中\"{}\"与\"{}\"相近", "; \"{}\" on the sheet is close to \"{}\"";
        /// A field a rule needs holding a dash: its label, the dash.
        FiledAsDash => "{}（填的是“{}”）", "{} (filed as \"{}\")";
        /// An indicator row without a name: its number.
        IndicatorNumber => "第{}项指标", "indicator {}";

        // The indicator rows' check names (S6, S8): what a finding about the score starts with.
        /// Indicator, weight.
        ScoreRange => "「{}」得分超出 0～{} 的范围", "Score of \"{}\" outside 0–{}";
        /// Indicator, target, actual.
        ProportionalScore => "「{}」未达到年度指标值 {}（实际 {}），按比例得分", "Proportional score of \"{}\" (target {} missed, actual {})";

        // S5–S8 findings.
        /// Indicator, actual, target, weight, filed score.
        FullMarksDue => "「{}」实际完成值 {} 已达到年度指标值 {}，应得满分 {}，填报 {}；如确需扣分请说明理由", "\"{0}\" met its target {2} (actual {1}), so full marks of {3} are due; filed as {4}. If a deduction is meant, give the reason";
        /// Indicator, target, actual, weight, ratio, proportional score, filed score.
        BelowProportion => "「{}」未达到年度指标值 {}（实际 {}），按比例得分应为 {} × {} = {}，填报 {}；低于按比例计算的得分，请说明理由", "\"{}\" missed its target {} (actual {}): the proportional score is {} × {} = {}; filed as {}, below it. Give the reason for the lower score";
        /// Indicator, actual, target, weight, filed score.
        BelowWeightDue => "「{}」实际完成值 {} 未达到年度指标值 {}，得分应低于分值 {}，填报 {}", "\"{0}\" missed its target {2} (actual {1}), so the score should be below the weight of {3}; filed as {4}";
        /// Indicator, actual, 80% of the weight, the weight, filed score.
        QualitativeBand => "「{}」定性指标实际完成情况「{}」与目标一致，视为达成，得分应在分值的 80%～100%（{}～{}）之间，填报 {}", "Qualitative indicator \"{}\": the outcome \"{}\" matches the target, so it counts as achieved and the score should be 80%–100% of the weight ({}–{}); filed as {}";
        /// Indicator, points deducted, weight, the score ([`CheckMsg::ScoreFiled`] or [`CheckMsg::ScoreShouldBe`]).
        ReasonMissing => "「{}」扣分 {}（分值 {}，{}），但未填写偏差原因分析及改进措施", "\"{}\" has a deduction of {} (weight {}, {}) but gives no reason for the shortfall and no corrective measures";
        ScoreFiled => "得分 {}", "score {}";
        ScoreShouldBe => "得分应为 {}", "score should be {}";

        /// S10: total, grade it gives, grade filed.
        GradeMismatch => "总分 {} 对应等级为「{}」（优 ≥ 90，良 80～90，中 60～80，差 < 60），填报为「{}」", "A total of {} gives grade \"{}\" (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60); filed as \"{}\"";
        /// B6: label, value, low, high.
        Implausible => "{}为 {}，超出 {}～{} 的合理范围；表中没有可据以计算的数，请核对", "{} is {}, outside the plausible range {}–{}; the sheet has no figures to recompute it from, please check it";
        /// V1: label, what the cell holds, why it cannot be read.
        Unreadable => "{}：「{}」{}", "{}: \"{}\" {}";
        UnreadableFormula => "公式没有保存计算结果，且无法计算；请在 Excel/WPS 中打开、重新计算并保存", "is a formula with no saved result that cannot be computed; open the file in Excel or WPS, recalculate and save it";
        UnreadableText => "无法识别为数值，未参与计算；请填写数字", "cannot be read as a number and was left out; please enter a number";
        UnreadableNotNumber => "此处应为数值，未参与计算", "should be a number here and was left out";

        // Tables in 元 (notes).
        BasicTable => "基础数据表", "basic-data table";
        ScoreTable => "绩效自评表", "scorecard";
        /// The table in 元, why, the table in 万元.
        TableInYuan => "{}的金额以元为单位（{}），表内按元比较；与{}（万元）比较时按 1 万元 = 10000 元换算，在万元的精度上比较", "the {} gives amounts in 元 ({}) and is checked in 元 within itself; against the {} (万元) its amounts are converted at 1 万元 = 10000 元 and compared at 万元 precision";
        YuanByHeader => "表头注明", "its headers say so";
        YuanByRatio => "数额约为另一表的 10000 倍", "its amounts are about 10000 times the other table's";
        BothInYuan => "两张表的金额均以元为单位（表头注明），按元比较", "both tables give amounts in 元 (their headers say so) and are compared in 元";

        // The rule registry (RULES.md §3): names, what each rule says, what its code checks.
        B1Name => "财政供养人员控制率", "Staff control rate";
        B1Says => "实际在职人数 ÷ 编制数 × 100%，按计算结果填列（超过 100% 亦然）。", "Staff in post ÷ authorised posts × 100%, filed as computed (above 100% too).";
        B2Name => "三公经费", "Three public expenses";
        B2Says => "每一列：三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待。", "In each column: three public expenses = official vehicles + travel abroad + official receptions.";
        B3Name => "公务用车购置和维护经费", "Official vehicles";
        B3Says => "公务用车购置和维护经费 = 公车购置 + 公车运行维护。", "Official vehicles = vehicle purchase + vehicle running and maintenance.";
        B4Name => "项目支出", "Project spending";
        B4Says => "项目支出 = 业务经费 + 运行维护经费 + 每一行专项资金。", "Project spending = business funds + running and maintenance funds + every row of special funds.";
        B5Name => "公用经费", "Public funds";
        B5Says => "公用经费 ≥ 办公经费 + 水费、电费、差旅费 + 会议费、培训费（“其中”各项）。", "Public funds ≥ office costs + water, electricity and travel + meetings and training (the items listed under \"of which\").";
        B6Name => "规模控制率 / 投资概算控制率", "Scale and investment control rates";
        B6Says => "表中有实际规模、批复规模、实际投资、投资概算时，控制率 = 实际 ÷ 批复（概算）；否则只查是否在合理范围内。", "Where the sheet gives the actual and approved scale or the actual investment and its estimate, control rate = actual ÷ approved (estimate); otherwise only whether the rate lies in a plausible range.";
        B6Code => "模板标有合理范围（plausible）的字段，没有检查可据以重算时，须在该范围内", "a field the template gives a plausible range must lie in it when no check can recompute it";
        S1Name => "执行率", "Budget execution rate";
        S1Says => "执行率 = 全年执行数 ÷ 全年预算数（不是年初预算数）。", "Execution rate = full-year spending ÷ full-year budget (not the budget at the start of the year).";
        S2Name => "执行率得分", "Execution-rate score";
        S2Says => "分值 × 执行率，不超过分值；按精确比值计算，不按舍入后的执行率（10 × 99.548…% = 9.95，不是 9.96）。", "Weight × execution rate, at most the weight; computed from the exact ratio, not the rounded rate (10 × 99.548…% = 9.95, not 9.96).";
        S3Name => "收入合计", "Income total";
        S3Says => "一般公共预算 + 政府性基金 + 专户 + 其他 = 全年执行数。", "General public budget + government funds + special accounts + other = full-year spending.";
        S4Name => "支出合计", "Spending total";
        S4Says => "基本支出 + 项目支出 = 全年执行数；不符而无法归因到单个单元格时为提示（公开的报表有时不一致）。", "Basic spending + project spending = full-year spending; a mismatch no single cell explains is a warning (published tables sometimes disagree).";
        X1Name => "跨表一致", "Cross-sheet";
        X1Says => "自评表的项目支出 = 基础数据表中项目支出的本年决算数。", "Project spending on the scorecard = this year's final project spending on the basic-data table.";
        S5Name => "定量指标达标", "Quantitative indicator, target met";
        S5Says => "实际完成值达到年度指标值（数值、等级或期限）时应得满分；扣分为提示。", "An actual value that meets the annual target (a figure, a class or a deadline) earns full marks; a deduction is a warning.";
        S5Code => "实际完成值达到年度指标值而得分低于分值", "target met but scored below the weight";
        S6Name => "定量指标未达标", "Quantitative indicator, target missed";
        S6Says => "正向（≥）：实际 ÷ 目标 × 分值；反向（≤）：目标 ÷ 实际 × 分值。", "Higher is better (≥): actual ÷ target × weight; lower is better (≤): target ÷ actual × weight.";
        S6Code => "未达标的定量指标按比例得分；高于比例为错误，比例得分截断而未四舍五入为舍入，低于比例为提示", "a missed quantitative target scores in proportion; above the proportion is an error, the proportional score truncated instead of rounded is rounding, below it a warning";
        S7Name => "定性指标", "Qualitative indicator";
        S7Says => "达成 80%～100% 分值，部分达成 50%～80%，未达成 0～50%；只有“达成”（实际与目标一致）可机械判断。", "Achieved 80%–100% of the weight, partly achieved 50%–80%, not achieved 0–50%; only \"achieved\" (the outcome matches the target) can be judged mechanically.";
        S7Code => "实际完成情况与目标一致的定性指标，得分须在分值的 80%～100% 之间", "a qualitative indicator whose outcome matches the target scores 80%–100% of its weight";
        S8Name => "指标得分范围", "Indicator score range";
        S8Says => "0 ≤ 得分 ≤ 分值；扣分须写明偏差原因分析及改进措施（未写为提示）。", "0 ≤ score ≤ weight; a deduction needs the reason for the shortfall and the corrective measures (a warning when they are missing).";
        S8Code => "得分超出 0～分值为错误；扣分而未填写偏差原因分析及改进措施为提示", "a score outside 0–weight is an error; a deduction without the reason and measures is a warning";
        S9Name => "分值合计", "Weights";
        S9Says => "执行率分值 + 各项指标分值 = 100。", "Execution-rate weight + the indicators' weights = 100.";
        S10Name => "总分与等级", "Total and grade";
        S10Says => "总分 = 各项得分之和；优 ≥ 90，良 80～90，中 60～80，差 < 60。", "Total = the sum of the scores; 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.";
        S10Code => "等级与填报的总分相符（合格视同中，不合格视同差）", "the grade goes with the total as filed (a pass, 合格, counts as 中 and a fail as 差)";
        V1Name => "无法读取", "Unreadable cell";
        V1Says => "应为数值的单元格无法读取（文字、比较式、没有保存结果又无法计算的公式）时报告，不当作 0。", "A cell that should hold a number and cannot be read (text, a comparison, a formula with no saved result that cannot be computed) is reported, never taken as 0.";
        V1Code => "应为数值的单元格无法读取", "a cell that should hold a number cannot be read";
        R1Name => "报告与附表一致", "Report figure matches the table";
        R1Says => "自评报告正文中的数字（如“基本支出 2204.95 万元”）与附表中同一项目、同一口径（预算、决算、上年）的数字一致。", "A figure in the text of the 自评报告 (\"basic spending 2204.95 万元\") matches the table's figure for the same item on the same basis (budget, final, previous year).";
        R1Code => "正文数字与附表单元格比较（按词表识别项目与口径）", "the text's figures against the table's cells (items and bases recognised by the vocabulary)";
        R2Name => "报告明细合计", "Report items add up";
        R2Says => "正文列出的明细（“352.14 万元：办公费 18.66 万元，……”）之和等于其前所述的合计。", "The items listed in the text (\"352.14 万元: office costs 18.66 万元, …\") add up to the total stated before them.";
        R2Code => "正文明细之和与所述合计比较", "the listed items' sum against the stated total";
        R3Name => "报告比率与增减", "Report rates and changes";
        R3Says => "正文所述的比率、增减额与增减幅度与其所依据的数字算得的一致（四舍五入，截断另作“舍入”）。", "The rates, changes and percentage changes the text states match what their figures give (rounded half up; a truncated one is a rounding finding).";
        R3Code => "正文比率、增减额与幅度按其数字重算", "the text's rates, changes and percentage changes recomputed from its figures";

        // `jixiao rules`.
        RulesHeading => "模板 {}（{}）的检查规则，共 {} 条：", "The rules of template {} ({}), {} in all:";
        ColumnId => "编号", "ID";
        ColumnName => "名称", "Name";
        ColumnRule => "规则", "Rule";
        ColumnSeverity => "严重程度", "Severity";
        /// A check written in Rust: what it checks.
        ByCode => "（程序）{}", "(code) {}";
        RulesFooter => "（程序）为程序内置的检查；各规则的说明与出处见 jixiao rules --markdown。", "(code) marks a check built into jixiao; jixiao rules --markdown gives each rule's description and source.";
        /// A check's severity, and its severity when no single cell explains a failure.
        SeverityUnexplained => "{}（无法归因到单个单元格时：{}）", "{} ({} when no single cell explains it)";
        /// `jixiao rules --fields`: the template's family.
        FieldsHeading => "模板 {} 的字段（在检查的 rule 中使用）：", "The fields of template {} (what the rule of a check may use):";
        ColumnField => "字段名", "Field";
        ColumnMeaning => "含义", "Meaning";
        FieldsFooter => "经费控制情况各行不带列后缀时按每一列分别检查；可重复的行（专项资金）与各项指标（ind.*）按各行合计。", "A row of the spending-control block without a column suffix is checked in each column; a repeated row (special funds) and the indicators (ind.*) add up all their rows.";
    }
}
