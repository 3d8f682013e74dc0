//! A small expression language in decimal arithmetic: the rules of the templates
//! (`sangong = vehicle + abroad + reception`) and the cell formulas a workbook may carry
//! without a cached value (`B7+B8`, `SUM(B12:B14)`, `TRUNC(E4/D4,4)`).

use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    /// A field name, or a cell reference in a formula.
    Ref(String),
    /// A cell range `A1:B3` in a formula.
    Range(String, String),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// Passes each value of a reference or range to the callback ([`Expr::eval_each`]).
pub type EachValue<'a> = dyn Fn(&Expr, &mut dyn FnMut(Option<Decimal>)) + 'a;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ge,
    Le,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ge => "≥",
            Cmp::Le => "≤",
        }
    }
}

/// `lhs cmp rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub lhs: Expr,
    pub cmp: Cmp,
    pub rhs: Expr,
}

impl Rule {
    pub fn parse(text: &str) -> Result<Rule, String> {
        let tokens = tokenize(text)?;
        let split = tokens
            .iter()
            .position(|t| matches!(t, Token::Cmp(_)))
            .ok_or_else(|| "缺少比较符（= ≥ ≤）".to_string())?;
        let Token::Cmp(cmp) = tokens[split] else {
            unreachable!()
        };
        let lhs = Parser::new(&tokens[..split]).parse_all()?;
        let rhs = Parser::new(&tokens[split + 1..]).parse_all()?;
        Ok(Rule { lhs, cmp, rhs })
    }
}

impl Expr {
    pub fn parse(text: &str) -> Result<Expr, String> {
        let tokens = tokenize(text)?;
        Parser::new(&tokens).parse_all()
    }

    /// Every name this expression refers to, in order.
    pub fn refs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk_refs(&mut out);
        out
    }

    fn walk_refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Ref(name) => out.push(name),
            Expr::Range(a, b) => {
                out.push(a);
                out.push(b);
            }
            Expr::Num(_) => {}
            Expr::Neg(e) => e.walk_refs(out),
            Expr::Bin(_, a, b) => {
                a.walk_refs(out);
                b.walk_refs(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk_refs(out)),
        }
    }

    /// Rewrites every reference.
    pub fn map_refs(&self, f: &mut dyn FnMut(&str) -> Expr) -> Expr {
        match self {
            Expr::Ref(name) => f(name),
            Expr::Num(_) | Expr::Range(..) => self.clone(),
            Expr::Neg(e) => Expr::Neg(Box::new(e.map_refs(f))),
            Expr::Bin(op, a, b) => Expr::Bin(*op, Box::new(a.map_refs(f)), Box::new(b.map_refs(f))),
            Expr::Call(name, args) => {
                Expr::Call(name.clone(), args.iter().map(|a| a.map_refs(f)).collect())
            }
        }
    }

    /// Whether evaluating this involves multiplying or dividing (so a result can need rounding).
    pub fn is_inexact(&self) -> bool {
        match self {
            Expr::Bin(Op::Mul | Op::Div, ..) => true,
            Expr::Bin(_, a, b) => a.is_inexact() || b.is_inexact(),
            Expr::Neg(e) => e.is_inexact(),
            Expr::Call(_, args) => args.iter().any(Expr::is_inexact),
            _ => false,
        }
    }

    /// The expression as `± name ± name … ± constant` when it is a plain sum.
    pub fn linear_terms(&self) -> Option<Vec<(i8, &Expr)>> {
        let mut out = Vec::new();
        self.collect_linear(1, &mut out).then_some(out)
    }

    fn collect_linear<'a>(&'a self, sign: i8, out: &mut Vec<(i8, &'a Expr)>) -> bool {
        match self {
            Expr::Ref(_) | Expr::Num(_) => {
                out.push((sign, self));
                true
            }
            Expr::Neg(e) => e.collect_linear(-sign, out),
            Expr::Bin(Op::Add, a, b) => a.collect_linear(sign, out) && b.collect_linear(sign, out),
            Expr::Bin(Op::Sub, a, b) => a.collect_linear(sign, out) && b.collect_linear(-sign, out),
            Expr::Call(name, args) if name == "sum" => {
                args.iter().all(|a| a.collect_linear(sign, out))
            }
            _ => false,
        }
    }

    /// Evaluates in decimal arithmetic. A blank operand of a sum counts as 0 when another
    /// operand is filled; any other blank operand makes the result blank (None).
    /// `env` gives the values of a reference or range.
    pub fn eval(&self, env: &dyn Fn(&Expr) -> Vec<Option<Decimal>>) -> Option<Decimal> {
        self.eval_each(&|e, out| env(e).into_iter().for_each(out))
    }

    /// [`Expr::eval`] with `env` passing each value of a reference or range to `out`, so that
    /// a reference needs no `Vec`.
    pub fn eval_each(&self, env: &EachValue) -> Option<Decimal> {
        match self {
            Expr::Num(n) => Some(*n),
            Expr::Ref(_) | Expr::Range(..) => {
                let mut sum = Sum::default();
                env(self, &mut |v| sum.add(v));
                sum.total()
            }
            Expr::Neg(e) => e.eval_each(env).map(|v| -v),
            Expr::Bin(op, a, b) => {
                let (x, y) = (a.eval_each(env), b.eval_each(env));
                match op {
                    Op::Add | Op::Sub => {
                        if x.is_none() && y.is_none() {
                            return None;
                        }
                        let (x, y) = (x.unwrap_or_default(), y.unwrap_or_default());
                        if *op == Op::Add {
                            x.checked_add(y)
                        } else {
                            x.checked_sub(y)
                        }
                    }
                    Op::Mul => x?.checked_mul(y?),
                    Op::Div => {
                        let y = y?;
                        if y.is_zero() {
                            None
                        } else {
                            x?.checked_div(y)
                        }
                    }
                }
            }
            Expr::Call(name, args) => {
                let mut values: Vec<Option<Decimal>> = Vec::with_capacity(args.len());
                for a in args {
                    match a {
                        Expr::Range(..) => env(a, &mut |v| values.push(v)),
                        _ => values.push(a.eval_each(env)),
                    }
                }
                match name.as_str() {
                    "sum" => add_all(values),
                    "min" => values.into_iter().try_fold(None, |m: Option<Decimal>, v| {
                        v.map(|v| Some(m.map_or(v, |m| m.min(v))))
                    })?,
                    "max" => values.into_iter().try_fold(None, |m: Option<Decimal>, v| {
                        v.map(|v| Some(m.map_or(v, |m| m.max(v))))
                    })?,
                    "abs" => Some(values.first().copied()??.abs()),
                    "round" | "trunc" | "rounddown" | "roundup" | "int" => {
                        let x = values.first().copied()??;
                        let digits = match values.get(1) {
                            Some(d) => d.as_ref()?.trunc().try_into().ok()?,
                            None => 0i64,
                        };
                        round_call(name, x, digits)
                    }
                    _ => None,
                }
            }
        }
    }
}

fn add_all(values: Vec<Option<Decimal>>) -> Option<Decimal> {
    let mut sum = Sum::default();
    values.into_iter().for_each(|v| sum.add(v));
    sum.total()
}

/// A running sum of the filled values: None when none is filled or the sum overflows.
#[derive(Default)]
struct Sum {
    total: Option<Decimal>,
    overflow: bool,
}

impl Sum {
    fn add(&mut self, v: Option<Decimal>) {
        let Some(v) = v else { return };
        match self.total.unwrap_or_default().checked_add(v) {
            Some(t) => self.total = Some(t),
            None => self.overflow = true,
        }
    }

    fn total(self) -> Option<Decimal> {
        if self.overflow {
            None
        } else {
            self.total
        }
    }
}

fn round_call(name: &str, x: Decimal, digits: i64) -> Option<Decimal> {
    if !(0..=20).contains(&digits) {
        return None;
    }
    let dp = digits as u32;
    Some(match name {
        "round" => x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
        "trunc" | "rounddown" => x.round_dp_with_strategy(dp, RoundingStrategy::ToZero),
        "roundup" => x.round_dp_with_strategy(dp, RoundingStrategy::AwayFromZero),
        _ => x.floor(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(Decimal),
    Name(String),
    Op(char),
    Open,
    Close,
    Comma,
    Colon,
    Cmp(Cmp),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.trim().trim_start_matches('=').chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '+' | '-' | '*' | '/' | '%' => {
                tokens.push(Token::Op(c));
                i += 1;
            }
            '×' => {
                tokens.push(Token::Op('*'));
                i += 1;
            }
            '÷' => {
                tokens.push(Token::Op('/'));
                i += 1;
            }
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            ':' => {
                tokens.push(Token::Colon);
                i += 1;
            }
            '=' => {
                tokens.push(Token::Cmp(Cmp::Eq));
                i += if chars.get(i + 1) == Some(&'=') { 2 } else { 1 };
            }
            '≥' => {
                tokens.push(Token::Cmp(Cmp::Ge));
                i += 1;
            }
            '≤' => {
                tokens.push(Token::Cmp(Cmp::Le));
                i += 1;
            }
            '>' | '<' if chars.get(i + 1) == Some(&'=') => {
                tokens.push(Token::Cmp(if c == '>' { Cmp::Ge } else { Cmp::Le }));
                i += 2;
            }
            '0'..='9' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                // A name such as a cell reference never starts with a digit, so this is a number.
                let s: String = chars[start..i].iter().collect();
                let n: Decimal = s.parse().map_err(|_| format!("无法识别的数字 {s}"))?;
                tokens.push(Token::Num(n));
            }
            '\'' => {
                // 'Sheet name'!A1
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                while i < chars.len() && is_name_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Name(
                    chars[start..i.min(chars.len())].iter().collect(),
                ));
            }
            c if is_name_char(c) => {
                let start = i;
                while i < chars.len() && is_name_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            other => return Err(format!("无法识别的字符「{other}」")),
        }
    }
    Ok(tokens)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '!' | '#' | '[' | ']')
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn new(tokens: &'a [Token]) -> Self {
        Parser {
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    fn parse_all(mut self) -> Result<Expr, String> {
        if self.tokens.is_empty() {
            return Err("表达式为空".into());
        }
        let e = self.sum()?;
        if self.pos != self.tokens.len() {
            return Err(format!("多余的内容：{:?}", self.tokens[self.pos]));
        }
        Ok(e)
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut e = self.product()?;
        while let Some(Token::Op(c @ ('+' | '-'))) = self.peek() {
            let op = if *c == '+' { Op::Add } else { Op::Sub };
            self.pos += 1;
            e = Expr::Bin(op, Box::new(e), Box::new(self.product()?));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while let Some(Token::Op(c @ ('*' | '/'))) = self.peek() {
            let op = if *c == '*' { Op::Mul } else { Op::Div };
            self.pos += 1;
            e = Expr::Bin(op, Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("表达式嵌套过深".into());
        }
        let result = match self.peek() {
            Some(Token::Op('-')) => {
                self.pos += 1;
                self.unary().map(|e| Expr::Neg(Box::new(e)))
            }
            Some(Token::Op('+')) => {
                self.pos += 1;
                self.unary()
            }
            _ => self.atom(),
        };
        self.depth -= 1;
        result
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let token = self
            .peek()
            .cloned()
            .ok_or_else(|| "表达式不完整".to_string())?;
        self.pos += 1;
        match token {
            Token::Num(n) => {
                if let Some(Token::Op('%')) = self.peek() {
                    self.pos += 1;
                    return Ok(Expr::Num(n / Decimal::ONE_HUNDRED));
                }
                Ok(Expr::Num(n))
            }
            Token::Open => {
                let e = self.sum()?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.pos += 1;
                        Ok(e)
                    }
                    _ => Err("缺少右括号".into()),
                }
            }
            Token::Name(name) => {
                if let Some(Token::Open) = self.peek() {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if let Some(Token::Close) = self.peek() {
                        self.pos += 1;
                    } else {
                        loop {
                            args.push(self.sum()?);
                            match self.peek() {
                                Some(Token::Comma) => self.pos += 1,
                                Some(Token::Close) => {
                                    self.pos += 1;
                                    break;
                                }
                                _ => return Err("函数参数缺少右括号".into()),
                            }
                        }
                    }
                    return Ok(Expr::Call(name.to_lowercase(), args));
                }
                if let Some(Token::Colon) = self.peek() {
                    self.pos += 1;
                    if let Some(Token::Name(end)) = self.peek().cloned() {
                        self.pos += 1;
                        return Ok(Expr::Range(name, end));
                    }
                    return Err("区域引用不完整".into());
                }
                Ok(Expr::Ref(name))
            }
            other => Err(format!("此处不应出现 {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
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
}
