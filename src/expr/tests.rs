use super::*;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn env_of<'a>(
    pairs: &'a [(&'a str, Option<&'a str>)],
) -> impl Fn(&Expr) -> Vec<Option<Decimal>> + 'a {
    move |e| match e {
        Expr::Ref(name) => vec![pairs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.map(|v| v.parse().unwrap()))],
        _ => vec![],
    }
}

#[test]
fn blank_part_of_a_sum_counts_as_zero() {
    let e = Expr::parse("a + b + c").unwrap();
    let env = env_of(&[("a", None), ("b", Some("3.8")), ("c", Some("1.9"))]);
    assert_eq!(e.eval(&env), Some(dec("5.7")));
    let env = env_of(&[("a", None), ("b", None), ("c", None)]);
    assert_eq!(e.eval(&env), None);
}

#[test]
fn ratio_and_cap_are_exact() {
    let e = Expr::parse("min(p * x / y, p)").unwrap();
    let env = env_of(&[
        ("p", Some("10")),
        ("x", Some("3157.85")),
        ("y", Some("3172.18")),
    ]);
    let v = e.eval(&env).unwrap();
    assert_eq!(v.round_dp(2), dec("9.95"));
    let env = env_of(&[
        ("p", Some("10")),
        ("x", Some("3200")),
        ("y", Some("3172.18")),
    ]);
    assert_eq!(e.eval(&env), Some(dec("10")));
}

#[test]
fn rules_and_formulas_parse() {
    let r = Rule::parse("public >= office + utilities + meetings").unwrap();
    assert_eq!(r.cmp, Cmp::Ge);
    assert_eq!(r.rhs.refs(), vec!["office", "utilities", "meetings"]);
    let f = Expr::parse("=TRUNC(E4/D4,4)").unwrap();
    let env = env_of(&[("E4", Some("3157.85")), ("D4", Some("3172.18"))]);
    assert_eq!(f.eval(&env), Some(dec("0.9954")));
    assert!(
        matches!(Expr::parse("SUM(B12:B14)").unwrap(), Expr::Call(_, ref a) if matches!(a[0], Expr::Range(..)))
    );
    assert!(Rule::parse("a + b").is_err());
    assert!(Expr::parse("(a + b").is_err());
    assert!(Expr::parse("a ^ b").is_err());
}

#[test]
fn linear_terms_of_a_sum() {
    let e = Expr::parse("a - b + sum(c, d)").unwrap();
    let terms = e.linear_terms().unwrap();
    assert_eq!(terms.len(), 4);
    assert_eq!(terms[1].0, -1);
    assert!(Expr::parse("a / b").unwrap().linear_terms().is_none());
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = "-".repeat(10_000) + "1";
    assert!(Expr::parse(&text).is_err());
}

#[test]
fn one_printer_three_styles() {
    let rule = Rule::parse("a = min(p * (x - y) / z, p) + sum(b, c) - -d").unwrap();
    assert_eq!(
        rule.print(&Style::Names),
        "a = min(p * (x - y) / z, p) + sum(b, c) - -d"
    );
    assert_eq!(Rule::parse(&rule.print(&Style::Names)).unwrap(), rule);
    let upper = |name: &str| name.to_uppercase();
    assert_eq!(
        rule.print(&Style::Words(&upper)),
        "A = 较小值(P × (X − Y) ÷ Z，P) + 合计(B，C) − −D"
    );
    let one = |_: &str| "1".to_string();
    assert_eq!(
        rule.rhs.print(&Style::Figures(&one)),
        "min(1 × (1 − 1) ÷ 1, 1) + 1 + 1 − -1"
    );
    let sum_of_two = Expr::parse("x * sum(b, c)").unwrap();
    assert_eq!(sum_of_two.print(&Style::Figures(&one)), "1 × (1 + 1)");
    assert_eq!(
        Expr::parse("sum()").unwrap().print(&Style::Figures(&one)),
        "0"
    );
}

#[test]
fn functions_by_any_name_and_labels_with_a_qualifier() {
    assert_eq!(Func::from_name("TRUNC"), Some(Func::Trunc));
    assert_eq!(Func::from_name("较小值"), Some(Func::Min));
    assert_eq!(Func::from_name("vlookup"), None);
    assert_eq!(
        Expr::parse("三公经费(本年决算数)").unwrap(),
        Expr::Ref("三公经费(本年决算数)".into())
    );
    let err = Expr::parse("foo(a, b)").unwrap_err();
    assert!(err.contains("foo"), "{err}");
}
