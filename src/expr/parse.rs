//! Text → expression: the tokenizer and a recursive-descent parser.

use rust_decimal::Decimal;

use super::{Cmp, Expr, Func, Op, Rule};

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
                    let Some(func) = Func::from_name(&name) else {
                        return self.qualified(name);
                    };
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
                    return Ok(Expr::Call(func, args));
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

    /// `label(qualifier)`, a label of a rule written in words (`三公经费（本年决算数）`): one
    /// reference `label(qualifier)` that the template resolves. The `(` is consumed.
    fn qualified(&mut self, name: String) -> Result<Expr, String> {
        match (self.peek().cloned(), self.tokens.get(self.pos + 1)) {
            (Some(Token::Name(qualifier)), Some(Token::Close)) => {
                self.pos += 2;
                Ok(Expr::Ref(format!("{name}({qualifier})")))
            }
            _ => Err(format!("无法识别的函数或标签「{name}」")),
        }
    }
}
