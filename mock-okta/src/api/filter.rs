//! Okta's `filter` / `search` expression language, the subset list endpoints use:
//! `attr op "value"` with `eq ne sw co ew gt ge lt le`, `attr pr`, combined with `and`,
//! `or`, `not` and parentheses, e.g. `status eq "ACTIVE" and (profile.login sw "a" or
//! lastUpdated gt "2026-01-01T00:00:00.000Z")`.
//!
//! String comparisons ignore case, as Okta's search does; `gt`/`lt`/… compare timestamps
//! when both sides are RFC 3339 dates, numbers when both are numbers, text otherwise.
//!
//! The parser recurses once per `(` or `not`, so nesting is capped at [`MAX_DEPTH`]: without
//! a cap, a query of a few thousand parentheses overflows the stack of the thread serving
//! every request and aborts the process. `and`/`or` chains are kept flat (a list of operands,
//! not a left-leaning tree), so a long chain costs no depth when evaluated or dropped.

use std::{cmp::Ordering, fmt};

use crate::clock::parse_timestamp;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Sw,
    Co,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "sw" => Self::Sw,
            "co" => Self::Co,
            "ew" => Self::Ew,
            "gt" => Self::Gt,
            "ge" => Self::Ge,
            "lt" => Self::Lt,
            "le" => Self::Le,
            _ => return None,
        })
    }
}

/// A literal on the right of an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lit {
    Str(String),
    /// `true`, `false` or a number, kept as written.
    Word(String),
    Null,
}

/// How deep parentheses and `not` may nest. Okta documents no figure; real filters nest a
/// handful of levels, and a hundred keeps the parser's stack use small on any thread.
pub const MAX_DEPTH: usize = 100;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Cmp(String, Op, Lit),
    Present(String),
    /// Every operand holds (two or more, in the order written).
    And(Vec<Expr>),
    /// Some operand holds (two or more, in the order written).
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// Why an expression was refused; the text goes into `errorCauses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
}

fn tokenize(input: &str) -> Result<Vec<Tok>, FilterError> {
    let mut toks = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                toks.push(Tok::Open);
            }
            ')' => {
                chars.next();
                toks.push(Tok::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e) => s.push(e),
                            None => return Err(FilterError("unterminated string".into())),
                        },
                        Some(ch) => s.push(ch),
                        None => return Err(FilterError("unterminated string".into())),
                    }
                }
                toks.push(Tok::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || matches!(ch, '(' | ')' | '"') {
                        break;
                    }
                    w.push(ch);
                    chars.next();
                }
                toks.push(Tok::Word(w));
            }
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Parentheses and `not`s open at this point, at most [`MAX_DEPTH`].
    depth: usize,
}

impl Parser {
    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or_expr(&mut self) -> Result<Expr, FilterError> {
        let mut operands = vec![self.and_expr()?];
        while self.peek_keyword("or") {
            self.pos += 1;
            operands.push(self.and_expr()?);
        }
        Ok(flat(operands, Expr::Or))
    }

    fn and_expr(&mut self) -> Result<Expr, FilterError> {
        let mut operands = vec![self.unary()?];
        while self.peek_keyword("and") {
            self.pos += 1;
            operands.push(self.unary()?);
        }
        Ok(flat(operands, Expr::And))
    }

    /// Runs `inner` one nesting level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<Expr, FilterError>,
    ) -> Result<Expr, FilterError> {
        if self.depth == MAX_DEPTH {
            return Err(FilterError(format!(
                "parentheses and 'not' nest more than {MAX_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        let e = inner(self);
        self.depth -= 1;
        e
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.peek_keyword("not") {
            self.pos += 1;
            return self.nested(|p| Ok(Expr::Not(Box::new(p.unary()?))));
        }
        match self.next() {
            Some(Tok::Open) => self.nested(|p| {
                let e = p.or_expr()?;
                match p.next() {
                    Some(Tok::Close) => Ok(e),
                    _ => Err(FilterError("missing ')'".into())),
                }
            }),
            Some(Tok::Word(attr)) if is_attribute(&attr) => {
                let op = match self.next() {
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("pr") => {
                        return Ok(Expr::Present(attr));
                    }
                    Some(Tok::Word(w)) => Op::parse(&w)
                        .ok_or_else(|| FilterError(format!("unknown operator '{w}'")))?,
                    _ => return Err(FilterError(format!("missing operator after '{attr}'"))),
                };
                let lit = match self.next() {
                    Some(Tok::Str(s)) => Lit::Str(s),
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Lit::Null,
                    Some(Tok::Word(w))
                        if w.eq_ignore_ascii_case("true")
                            || w.eq_ignore_ascii_case("false")
                            || w.parse::<f64>().is_ok() =>
                    {
                        Lit::Word(w.to_ascii_lowercase())
                    }
                    _ => return Err(FilterError(format!("missing value after '{attr}'"))),
                };
                Ok(Expr::Cmp(attr, op, lit))
            }
            Some(Tok::Word(w)) => Err(FilterError(format!("unexpected '{w}'"))),
            Some(Tok::Str(s)) => Err(FilterError(format!("unexpected \"{s}\""))),
            Some(Tok::Close) => Err(FilterError("unexpected ')'".into())),
            None => Err(FilterError("unexpected end of expression".into())),
        }
    }
}

/// One operand stands for itself; several make an `and`/`or`.
fn flat(mut operands: Vec<Expr>, combine: fn(Vec<Expr>) -> Expr) -> Expr {
    if operands.len() == 1 {
        operands.remove(0)
    } else {
        combine(operands)
    }
}

fn is_attribute(w: &str) -> bool {
    !w.is_empty()
        && !["and", "or", "not"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '$'))
}

/// Parses an expression.
pub fn parse(input: &str) -> Result<Expr, FilterError> {
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err(FilterError("empty expression".into()));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.or_expr()?;
    match p.toks.get(p.pos) {
        None => Ok(e),
        Some(t) => Err(FilterError(format!("unexpected {t:?}"))),
    }
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Sw => "sw",
            Self::Co => "co",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    if matches!(c, '"' | '\\') {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            Self::Word(w) => f.write_str(w),
            Self::Null => f.write_str("null"),
        }
    }
}

/// The expression written back in the filter language, so that [`parse`] reads it as the same
/// expression, nested no deeper than it was written (parentheses only where `and`/`or` need
/// them).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cmp(attr, op, lit) => write!(f, "{attr} {} {lit}", op.as_str()),
            Self::Present(attr) => write!(f, "{attr} pr"),
            Self::And(operands) => chain(f, operands, "and", |e| {
                matches!(e, Self::And(_) | Self::Or(_))
            }),
            Self::Or(operands) => chain(f, operands, "or", |e| matches!(e, Self::Or(_))),
            Self::Not(e) => match **e {
                Self::And(_) | Self::Or(_) => write!(f, "not ({e})"),
                _ => write!(f, "not {e}"),
            },
        }
    }
}

fn chain(
    f: &mut fmt::Formatter<'_>,
    operands: &[Expr],
    keyword: &str,
    needs_parentheses: fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, e) in operands.iter().enumerate() {
        if i > 0 {
            write!(f, " {keyword} ")?;
        }
        if needs_parentheses(e) {
            write!(f, "({e})")?;
        } else {
            write!(f, "{e}")?;
        }
    }
    Ok(())
}

impl Expr {
    /// Every attribute the expression names.
    pub fn attributes(&self) -> Vec<&str> {
        match self {
            Self::Cmp(a, _, _) | Self::Present(a) => vec![a.as_str()],
            Self::And(operands) | Self::Or(operands) => {
                operands.iter().flat_map(Self::attributes).collect()
            }
            Self::Not(e) => e.attributes(),
        }
    }

    /// Refuses attributes the resource does not have.
    pub fn check(&self, known: impl Fn(&str) -> bool) -> Result<(), FilterError> {
        match self.attributes().into_iter().find(|a| !known(a)) {
            Some(a) => Err(FilterError(format!("unsupported attribute '{a}'"))),
            None => Ok(()),
        }
    }

    /// Evaluates against an object; `get` returns an attribute's values (several for
    /// multi-valued ones such as `group.id`, none when absent).
    pub fn matches(&self, get: &dyn Fn(&str) -> Vec<String>) -> bool {
        match self {
            Self::Cmp(attr, op, lit) => {
                let values = get(attr);
                match lit {
                    Lit::Null => match op {
                        Op::Eq => values.is_empty(),
                        Op::Ne => !values.is_empty(),
                        _ => false,
                    },
                    Lit::Str(s) | Lit::Word(s) => {
                        if *op == Op::Ne {
                            !values.iter().any(|v| compare(v, Op::Eq, s))
                        } else {
                            values.iter().any(|v| compare(v, *op, s))
                        }
                    }
                }
            }
            Self::Present(attr) => !get(attr).is_empty(),
            Self::And(operands) => operands.iter().all(|e| e.matches(get)),
            Self::Or(operands) => operands.iter().any(|e| e.matches(get)),
            Self::Not(e) => !e.matches(get),
        }
    }
}

fn compare(value: &str, op: Op, lit: &str) -> bool {
    let (v, l) = (value.to_lowercase(), lit.to_lowercase());
    match op {
        Op::Eq => v == l,
        Op::Ne => v != l,
        Op::Sw => v.starts_with(&l),
        Op::Co => v.contains(&l),
        Op::Ew => v.ends_with(&l),
        Op::Gt | Op::Ge | Op::Lt | Op::Le => {
            let ord = match (parse_timestamp(value), parse_timestamp(lit)) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => match (value.parse::<f64>(), lit.parse::<f64>()) {
                    (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
                    _ => v.cmp(&l),
                },
            };
            match op {
                Op::Gt => ord == Ordering::Greater,
                Op::Ge => ord != Ordering::Less,
                Op::Lt => ord == Ordering::Less,
                _ => ord != Ordering::Greater,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(attr: &str) -> Vec<String> {
        match attr {
            "status" => vec!["ACTIVE".into()],
            "profile.login" => vec!["ann@example.com".into()],
            "lastUpdated" => vec!["2026-03-01T10:00:00.000Z".into()],
            "group.id" => vec!["00g1".into(), "00g2".into()],
            _ => vec![],
        }
    }

    fn eval(s: &str) -> bool {
        parse(s).unwrap().matches(&user)
    }

    #[test]
    fn parses_comparisons_with_and_or_not_and_parentheses() {
        assert_eq!(
            parse(r#"status eq "ACTIVE""#).unwrap(),
            Expr::Cmp("status".into(), Op::Eq, Lit::Str("ACTIVE".into()))
        );
        let e = parse(r#"a eq "1" or b eq "2" and c pr"#).unwrap();
        // `and` binds tighter than `or`.
        let Expr::Or(ref either) = e else {
            panic!("{e:?}")
        };
        assert_eq!(either.len(), 2);
        assert_eq!(
            either[0],
            Expr::Cmp("a".into(), Op::Eq, Lit::Str("1".into()))
        );
        assert!(matches!(either[1], Expr::And(ref both) if both.len() == 2));
        // A chain is one flat list, in the order written.
        assert_eq!(
            parse(r#"a pr and b pr and c pr"#).unwrap(),
            Expr::And(vec![
                Expr::Present("a".into()),
                Expr::Present("b".into()),
                Expr::Present("c".into())
            ])
        );
        assert_eq!(
            parse(r#"(a eq "x") AND NOT (b sw "y")"#)
                .unwrap()
                .attributes(),
            vec!["a", "b"]
        );
    }

    #[test]
    fn evaluates_case_insensitively_and_compares_dates() {
        assert!(eval(r#"status eq "active""#));
        assert!(eval(r#"profile.login sw "ANN""#));
        assert!(!eval(r#"profile.login eq "bob@example.com""#));
        assert!(eval(r#"status eq "ACTIVE" and profile.login co "example""#));
        assert!(eval(
            r#"status eq "SUSPENDED" or (profile.login ew ".com")"#
        ));
        assert!(eval(r#"lastUpdated gt "2026-02-28T00:00:00.000Z""#));
        assert!(!eval(r#"lastUpdated lt "2026-02-28T00:00:00Z""#));
        assert!(eval(r#"group.id eq "00g2""#));
        assert!(eval(r#"profile.mobilePhone eq null"#));
        assert!(!eval(r#"profile.mobilePhone pr"#));
        assert!(eval(r#"not status ne "ACTIVE""#));
    }

    #[test]
    fn refuses_malformed_expressions() {
        for bad in [
            "",
            "status",
            r#"status eq"#,
            r#"status equals "x""#,
            r#"status eq "x"#,
            r#"(status eq "x""#,
            r#"status eq "x" and"#,
            r#"status eq "x" )"#,
            r#"status eq ACTIVE"#,
            r#""x" eq status"#,
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        let e = parse(r#"color eq "red""#).unwrap();
        assert!(e.check(|a| a == "status").is_err());
        assert!(e.check(|a| a == "color").is_ok());
    }

    fn nested(depth: usize) -> String {
        format!(
            "{}status eq \"ACTIVE\"{}",
            "(".repeat(depth),
            ")".repeat(depth)
        )
    }

    #[test]
    fn nesting_is_refused_past_the_depth_limit_without_exhausting_the_stack() {
        assert!(eval(&nested(MAX_DEPTH)), "the limit itself is allowed");
        assert!(eval(&format!(
            "{}status pr",
            "not not ".repeat(MAX_DEPTH / 2)
        )));
        for bad in [
            nested(MAX_DEPTH + 1),
            nested(5_000),
            nested(200_000),
            format!("{}status pr", "not ".repeat(MAX_DEPTH + 1)),
            format!("{}status pr", "not (".repeat(5_000)),
            // Unbalanced: the depth is refused before the missing ')' is noticed.
            "(".repeat(100_000),
        ] {
            let err = parse(&bad).unwrap_err();
            assert!(
                err.0.contains(&format!("more than {MAX_DEPTH} levels")),
                "{err:?}"
            );
        }
        // Depth is counted per nesting, not per expression: siblings do not add up.
        let siblings = vec![nested(MAX_DEPTH); 50].join(" and ");
        assert!(eval(&siblings));
    }

    #[test]
    fn an_expression_renders_back_to_text_that_parses_to_it() {
        for text in [
            r#"status eq "ACTIVE""#,
            r#"a eq "1" or b eq "2" and c pr"#,
            r#"(a pr or b pr) and not (c sw "x\"y\\z")"#,
            r#"(a pr and b pr) and c gt 5 or d eq null"#,
            r#"not not e ne TRUE"#,
        ] {
            let e = parse(text).unwrap();
            assert_eq!(parse(&e.to_string()).unwrap(), e, "{text} -> {e}");
        }
        assert_eq!(
            parse(r#"((a eq "x")) AND NOT (b sw "y")"#)
                .unwrap()
                .to_string(),
            r#"a eq "x" and not b sw "y""#
        );
        assert_eq!(
            parse(&nested(MAX_DEPTH)).unwrap().to_string(),
            r#"status eq "ACTIVE""#
        );
    }

    #[test]
    fn long_chains_stay_flat_so_evaluating_and_dropping_them_uses_no_stack() {
        let chain = vec![r#"status eq "SUSPENDED""#; 100_000].join(" or ");
        let e = parse(&format!("{chain} or group.id eq \"00g2\"")).unwrap();
        assert!(matches!(&e, Expr::Or(v) if v.len() == 100_001));
        assert!(e.matches(&user));
        assert_eq!(e.attributes().len(), 100_001);
        drop(e);
        let chain = vec!["status pr"; 100_000].join(" and ");
        assert!(eval(&chain));
    }
}
