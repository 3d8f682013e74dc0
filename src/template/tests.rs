use super::builtin::BUILT_IN;
use super::error::{line_of, parser_message};
use super::labels::plain_label;
use super::*;

#[test]
fn built_in_templates_parse() {
    let templates = Template::built_in();
    assert!(!templates.is_empty());
    assert!(templates[0].checks.iter().any(|c| c.id == "S4"));
}

#[test]
fn syntax_error_names_the_line() {
    let err = Template::parse("x.toml", "family = \"a\"\n\nbasic = [\n").unwrap_err();
    match err {
        TemplateError::Syntax { line, .. } => assert!(line >= 3, "line {line}"),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn lines_count_from_one() {
    let text = "a = 1\nb = 2\nc = [\n";
    assert_eq!(line_of(text, 0), 1);
    assert_eq!(line_of(text, 6), 2, "the first byte of line 2");
    assert_eq!(line_of(text, text.len()), 4);
}

#[test]
fn built_in_families_are_distinct_and_each_has_a_blank_layout() {
    let templates = Template::built_in();
    let families: Vec<&str> = templates.iter().map(|t| t.family.as_str()).collect();
    assert_eq!(
        families,
        ["hunan-2024", "hunan-2018", "hunan-2024-extended"]
    );
    for t in &templates {
        assert!(!t.signature.is_empty(), "{}", t.family);
        assert!(!t.blank.groups.is_empty(), "{}", t.family);
        assert_eq!(t.blank.spending_headers.len(), 3, "{}", t.family);
    }
}

#[test]
fn a_rule_reads_in_words_with_brackets_where_needed() {
    let t = &Template::built_in()[0];
    assert_eq!(
        t.rule_in_words("sangong = vehicle + abroad + reception"),
        "三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待"
    );
    assert_eq!(
        t.rule_in_words("staff.rate = (staff.actual - 1) / staff.authorized"),
        "控制率 = (实际在职人数 − 1) ÷ 编制数"
    );
    assert_eq!(
        t.rule_in_words("spending.project = project.final"),
        "项目支出（自评表） = 项目支出（本年决算数）"
    );
}

#[test]
fn printed_labels_lose_numbering_and_notes() {
    let labels = vec!["x".to_string()];
    assert_eq!(
        plain_label(Some("3、本级专项资金（一个专项一行）"), &labels),
        "本级专项资金"
    );
    assert_eq!(plain_label(Some("其中：办公经费"), &labels), "办公经费");
    assert_eq!(plain_label(Some("项目支出："), &labels), "项目支出");
    assert_eq!(plain_label(None, &labels), "x");
}

#[test]
fn parser_messages_in_chinese_and_english() {
    use crate::i18n::Lang;
    let unknown = parser_message("unknown field `rul`, expected one of `id`, `name`, `rule`");
    assert_eq!(
        unknown.render(Lang::Zh),
        "未知的键 rul（此处可用：id、name、rule）"
    );
    assert_eq!(
        unknown.render(Lang::En),
        "unknown key rul (allowed here: id, name, rule)"
    );
    assert_eq!(
        parser_message("missing field `family`").to_string(),
        "缺少必填的键 family"
    );
    assert!(
        parser_message("unknown variant `fatal`, expected `error` or `warning`")
            .contains("error、warning")
    );
}

#[test]
fn unknown_fields_in_a_rule_are_refused_with_their_line() {
    let good = BUILT_IN[0].1;
    let text =
        format!("{good}\n[[checks]]\nid = \"Z9\"\nname = \"x\"\nrule = \"vehicle = vehicel\"\n");
    match Template::parse("x.toml", &text).unwrap_err() {
        TemplateError::Rule {
            line, id, message, ..
        } => {
            assert_eq!(line, good.lines().count() + 5);
            assert_eq!(id, "Z9");
            assert!(message.contains("vehicel"), "{message}");
        }
        other => panic!("unexpected {other}"),
    }
    // Column suffixes, repeated rows and the indicator sums are known.
    let text = format!("{good}\n[[checks]]\nid = \"Z9\"\nname = \"x\"\nrule = \"special.final + ind.score <= total.score\"\n");
    assert!(Template::parse("x.toml", &text).is_ok());
}

#[test]
fn rules_may_be_written_with_labels() {
    let t = &Template::built_in()[0];
    let canonical = |text: &str| t.resolve_rule(text).unwrap();
    assert_eq!(
        canonical("三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待"),
        Rule::parse("sangong = vehicle + abroad + reception").unwrap()
    );
    assert_eq!(
        canonical("项目支出（自评表） = 项目支出（本年决算数）"),
        Rule::parse("spending.project = project.final").unwrap()
    );
    assert_eq!(
        canonical("三公经费.本年决算数 <= 三公经费.本年预算数"),
        Rule::parse("sangong.final <= sangong.budget").unwrap()
    );
    assert_eq!(
        canonical("公用经费 ≥ 办公经费 + 水费、电费、差旅费 + 会议费、培训费"),
        Rule::parse("public >= office + utilities + meetings").unwrap()
    );
    let err = t.resolve_rule("项目支出 = 业务经费").unwrap_err();
    assert!(err.contains("可指多个字段"), "{err}");
    let err = t.resolve_rule("三公经费 = 公务卡").unwrap_err();
    assert!(err.contains("公务卡"), "{err}");
    let err = t.resolve_rule("项目支出 = 业务经费").unwrap_err();
    let en = err.render(crate::i18n::Lang::En);
    assert!(
        en.contains("can mean more than one field; say which:"),
        "{en}"
    );
    assert!(
        en.contains("(本年决算数) etc. = project.final etc."),
        "{en}"
    );
    let err = t.resolve_rule("三公经费（第一列） = 业务经费").unwrap_err();
    let en = err.render(crate::i18n::Lang::En);
    assert!(
        en.contains("the brackets may hold 上年决算数, 本年预算数"),
        "{en}"
    );
}

#[test]
fn the_rules_table_reads_back_as_the_same_rules() {
    for t in Template::built_in() {
        for c in &t.checks {
            let words = t.rule_in_words(&c.rule);
            let back = t
                .resolve_rule(&words)
                .unwrap_or_else(|e| panic!("{}: {words}: {e}", t.family));
            assert_eq!(
                back,
                Rule::parse(&c.rule).unwrap(),
                "{} {}: {words}",
                t.family,
                c.id
            );
        }
    }
}

#[test]
fn a_template_rule_over_labels_is_stored_in_field_names() {
    let good = BUILT_IN[0].1;
    let text = format!(
        "{good}\n[[checks]]\nid = \"Z1\"\nname = \"三公经费只减不增\"\nrule = \"三公经费（本年决算数） <= 三公经费（上年决算数）\"\n"
    );
    let t = Template::parse("x.toml", &text).unwrap();
    assert_eq!(
        t.checks.last().unwrap().rule,
        "sangong.final <= sangong.prev"
    );
}

#[test]
fn placeholders() {
    assert_eq!(
        fill_placeholders("{dept}{year}年，{prev}年决算数", 2024, "某局"),
        "某局2024年，2023年决算数"
    );
}
