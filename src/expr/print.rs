//! The one printer of expressions and rules, in three styles.

use std::borrow::Borrow;
use std::fmt::{Display, Write};

use super::{Cmp, Expr, Func, Op, Rule};

/// How [`Expr::print`] writes references, operators and functions.
/// `Q` is what the callbacks are given of a reference: `str` for names as written.
pub enum Style<'a, Q: ?Sized = str> {
    /// As a template writes it: field names, `+ - * /`, `>=`, `sum(a, b)`.
    Names,
    /// For people: each reference as `label` gives it, `+ − × ÷`, `≥`, `合计(a，b)`.
    Words(&'a dyn Fn(&Q) -> String),
    /// With the figures: each reference as `value` gives it, `+ − × ÷`, a sum as additions.
    Figures(&'a dyn Fn(&Q) -> String),
}

impl<Q: ?Sized> Style<'_, Q> {
    fn op(&self, op: Op) -> &'static str {
        match (self, op) {
            (_, Op::Add) => "+",
            (Style::Names, Op::Sub) => "-",
            (Style::Names, Op::Mul) => "*",
            (Style::Names, Op::Div) => "/",
            (_, Op::Sub) => "−",
            (_, Op::Mul) => "×",
            (_, Op::Div) => "÷",
        }
    }

    fn cmp(&self, cmp: Cmp) -> &'static str {
        match (self, cmp) {
            (Style::Names, Cmp::Ge) => ">=",
            (Style::Names, Cmp::Le) => "<=",
            (_, cmp) => cmp.symbol(),
        }
    }
}

fn precedence(op: Op) -> u8 {
    match op {
        Op::Add | Op::Sub => 1,
        Op::Mul | Op::Div => 2,
    }
}

impl<R: Display> Expr<R> {
    /// The expression as text, brackets only where needed.
    pub fn print<Q: ?Sized>(&self, style: &Style<Q>) -> String
    where
        R: Borrow<Q>,
    {
        let mut out = String::new();
        self.write(style, 0, &mut out);
        out
    }

    /// Writes `self` where an operator binding at `outer` surrounds it.
    fn write<Q: ?Sized>(&self, style: &Style<Q>, outer: u8, out: &mut String)
    where
        R: Borrow<Q>,
    {
        match self {
            Expr::Num(n) => out.push_str(&n.normalize().to_string()),
            Expr::Ref(name) => match style {
                Style::Names => {
                    let _ = write!(out, "{name}");
                }
                Style::Words(f) | Style::Figures(f) => out.push_str(&f(name.borrow())),
            },
            Expr::Range(a, b) => {
                let _ = write!(out, "{a}:{b}");
            }
            Expr::Neg(e) => {
                out.push_str(if matches!(style, Style::Words(_)) {
                    "−"
                } else {
                    "-"
                });
                e.write(style, 3, out);
            }
            Expr::Bin(op, a, b) => {
                let p = precedence(*op);
                // a + (b + c) reads as a + b + c; every other right operand binds tighter.
                let right = if *op == Op::Add { p } else { p + 1 };
                bracketed(p < outer, out, |out| {
                    a.write(style, p, out);
                    out.push(' ');
                    out.push_str(style.op(*op));
                    out.push(' ');
                    b.write(style, right, out);
                });
            }
            Expr::Call(Func::Sum, args) if matches!(style, Style::Figures(_)) => {
                if args.is_empty() {
                    out.push('0');
                }
                bracketed(args.len() > 1 && 1 < outer, out, |out| {
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            out.push_str(" + ");
                        }
                        a.write(style, 1, out);
                    }
                });
            }
            Expr::Call(func, args) => {
                let (name, separator) = match style {
                    Style::Words(_) => (func.name_zh().unwrap_or(func.name()), "，"),
                    _ => (func.name(), ", "),
                };
                out.push_str(name);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(separator);
                    }
                    a.write(style, 0, out);
                }
                out.push(')');
            }
        }
    }
}

fn bracketed(needed: bool, out: &mut String, body: impl FnOnce(&mut String)) {
    if needed {
        out.push('(');
    }
    body(out);
    if needed {
        out.push(')');
    }
}

impl Rule {
    /// `lhs cmp rhs` in one style.
    pub fn print(&self, style: &Style) -> String {
        format!(
            "{} {} {}",
            self.lhs.print(style),
            style.cmp(self.cmp),
            self.rhs.print(style)
        )
    }
}
