//! A small expression language in decimal arithmetic: the rules of the templates
//! (`sangong = vehicle + abroad + reception`) and the cell formulas a workbook may carry
//! without a cached value (`B7+B8`, `SUM(B12:B14)`, `TRUNC(E4/D4,4)`).

mod func;
mod parse;
mod print;

use rust_decimal::Decimal;

pub use func::Func;
pub use print::Style;

/// An expression whose references are `R`: names as written (`String`), or the keys of the
/// fields a rule was expanded to.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<R = String> {
    Num(Decimal),
    /// A field name, or a cell reference in a formula.
    Ref(R),
    /// A cell range `A1:B3` in a formula.
    Range(R, R),
    Neg(Box<Expr<R>>),
    Bin(Op, Box<Expr<R>>, Box<Expr<R>>),
    Call(Func, Vec<Expr<R>>),
}

/// Passes each value of a reference or range to the callback ([`Expr::eval_each`]).
pub type EachValue<'a, R = String> = dyn Fn(&Expr<R>, &mut dyn FnMut(Option<Decimal>)) + 'a;

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
pub struct Rule<R = String> {
    pub lhs: Expr<R>,
    pub cmp: Cmp,
    pub rhs: Expr<R>,
}

impl<R> Rule<R> {
    /// The same rule with every name replaced by `f` of it.
    pub fn map_names<S>(&self, f: &mut impl FnMut(&R) -> S) -> Rule<S> {
        Rule {
            lhs: self.lhs.map_names(f),
            cmp: self.cmp,
            rhs: self.rhs.map_names(f),
        }
    }
}

impl<R> Expr<R> {
    /// Every name this expression refers to, in order.
    pub fn refs(&self) -> Vec<&R> {
        let mut out = Vec::new();
        self.walk_refs(&mut out);
        out
    }

    fn walk_refs<'a>(&'a self, out: &mut Vec<&'a R>) {
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

    /// Rewrites every reference (a range is kept as it is).
    pub fn map_refs(&self, f: &mut dyn FnMut(&R) -> Expr<R>) -> Expr<R>
    where
        R: Clone,
    {
        match self {
            Expr::Ref(name) => f(name),
            Expr::Num(_) | Expr::Range(..) => self.clone(),
            Expr::Neg(e) => Expr::Neg(Box::new(e.map_refs(f))),
            Expr::Bin(op, a, b) => Expr::Bin(*op, Box::new(a.map_refs(f)), Box::new(b.map_refs(f))),
            Expr::Call(func, args) => {
                Expr::Call(*func, args.iter().map(|a| a.map_refs(f)).collect())
            }
        }
    }

    /// The same expression with every name, range ends included, replaced by `f` of it.
    pub fn map_names<S>(&self, f: &mut impl FnMut(&R) -> S) -> Expr<S> {
        match self {
            Expr::Num(n) => Expr::Num(*n),
            Expr::Ref(name) => Expr::Ref(f(name)),
            Expr::Range(a, b) => Expr::Range(f(a), f(b)),
            Expr::Neg(e) => Expr::Neg(Box::new(e.map_names(f))),
            Expr::Bin(op, a, b) => {
                Expr::Bin(*op, Box::new(a.map_names(f)), Box::new(b.map_names(f)))
            }
            Expr::Call(func, args) => {
                Expr::Call(*func, args.iter().map(|a| a.map_names(f)).collect())
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
    pub fn linear_terms(&self) -> Option<Vec<(i8, &Expr<R>)>> {
        let mut out = Vec::new();
        self.collect_linear(1, &mut out).then_some(out)
    }

    fn collect_linear<'a>(&'a self, sign: i8, out: &mut Vec<(i8, &'a Expr<R>)>) -> bool {
        match self {
            Expr::Ref(_) | Expr::Num(_) => {
                out.push((sign, self));
                true
            }
            Expr::Neg(e) => e.collect_linear(-sign, out),
            Expr::Bin(Op::Add, a, b) => a.collect_linear(sign, out) && b.collect_linear(sign, out),
            Expr::Bin(Op::Sub, a, b) => a.collect_linear(sign, out) && b.collect_linear(-sign, out),
            Expr::Call(Func::Sum, args) => args.iter().all(|a| a.collect_linear(sign, out)),
            _ => false,
        }
    }

    /// Evaluates in decimal arithmetic. A blank operand of a sum counts as 0 when another
    /// operand is filled; any other blank operand makes the result blank (None).
    /// `env` gives the values of a reference or range.
    pub fn eval(&self, env: &dyn Fn(&Expr<R>) -> Vec<Option<Decimal>>) -> Option<Decimal> {
        self.eval_each(&|e, out| env(e).into_iter().for_each(out))
    }

    /// [`Expr::eval`] with `env` passing each value of a reference or range to `out`, so that
    /// a reference needs no `Vec`.
    pub fn eval_each(&self, env: &EachValue<R>) -> Option<Decimal> {
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
            Expr::Call(func, args) => {
                let mut values: Vec<Option<Decimal>> = Vec::with_capacity(args.len());
                for a in args {
                    match a {
                        Expr::Range(..) => env(a, &mut |v| values.push(v)),
                        _ => values.push(a.eval_each(env)),
                    }
                }
                func.apply(values)
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

#[cfg(test)]
mod tests;
