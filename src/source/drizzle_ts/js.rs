//! JavaScript values as far as static evaluation needs them, converted from oxc's AST.

use oxc_ast::ast::{
    ArrayExpression, ArrayExpressionElement, ArrowFunctionBody, ArrowFunctionExpression,
    BindingPattern, Expression, ObjectExpression, ObjectPropertyKind, PropertyKey, Statement,
    TemplateElement, UnaryOperator,
};
use oxc_span::GetSpan;
use serde_json::{Value, json};

/// A JavaScript value as far as static evaluation needs it, owned (independent of the parser's
/// arena). `at` is a byte offset in the file.
#[derive(Clone, Debug)]
pub(super) enum Js {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Ident(String),
    Member(Box<Js>, String),
    Call(Box<Js>, Vec<Js>),
    Object(Vec<(String, Js)>),
    Array(Vec<Js>),
    Arrow(Vec<String>, Box<Js>),
    /// A template literal, tagged (`sql\`…\``) or not.
    Template(Option<Box<Js>>, Vec<String>, Vec<Js>),
    /// Something not evaluated: what it is, and where.
    Opaque(&'static str, u32),
}

/// The owned value of an expression.
pub(super) fn convert(e: &Expression<'_>) -> Js {
    match e {
        Expression::StringLiteral(s) => Js::Str(s.value.as_str().to_string()),
        Expression::NumericLiteral(n) => Js::Num(n.value),
        Expression::BooleanLiteral(b) => Js::Bool(b.value),
        Expression::NullLiteral(_) => Js::Null,
        Expression::Identifier(i) => Js::Ident(i.name.as_str().to_string()),
        Expression::StaticMemberExpression(m) => Js::Member(
            Box::new(convert(&m.object)),
            m.property.name.as_str().to_string(),
        ),
        Expression::ComputedMemberExpression(m) => match &m.expression {
            Expression::StringLiteral(s) => {
                Js::Member(Box::new(convert(&m.object)), s.value.as_str().to_string())
            }
            _ => Js::Opaque("a computed property access", m.span.start),
        },
        Expression::CallExpression(c) => {
            let mut args = Vec::new();
            for a in &c.arguments {
                match a.as_expression() {
                    Some(x) => args.push(convert(x)),
                    None => args.push(Js::Opaque("a spread argument", a.span().start)),
                }
            }
            Js::Call(Box::new(convert(&c.callee)), args)
        }
        Expression::ObjectExpression(o) => convert_object(o),
        Expression::ArrayExpression(a) => convert_array(a),
        Expression::ArrowFunctionExpression(f) => convert_arrow(f),
        Expression::TaggedTemplateExpression(t) => Js::Template(
            Some(Box::new(convert(&t.tag))),
            template_parts(&t.quasi.quasis),
            t.quasi.expressions.iter().map(convert).collect(),
        ),
        Expression::TemplateLiteral(t) => Js::Template(
            None,
            template_parts(&t.quasis),
            t.expressions.iter().map(convert).collect(),
        ),
        Expression::ParenthesizedExpression(p) => convert(&p.expression),
        Expression::TSAsExpression(x) => convert(&x.expression),
        Expression::TSSatisfiesExpression(x) => convert(&x.expression),
        Expression::TSNonNullExpression(x) => convert(&x.expression),
        Expression::UnaryExpression(u) if u.operator == UnaryOperator::UnaryNegation => {
            match convert(&u.argument) {
                Js::Num(n) => Js::Num(-n),
                _ => Js::Opaque("an expression", u.span.start),
            }
        }
        other => Js::Opaque("an expression", other.span().start),
    }
}

/// An object literal: its properties by static key; computed keys and spreads are opaque.
fn convert_object(o: &ObjectExpression<'_>) -> Js {
    let mut props = Vec::new();
    for p in &o.properties {
        match p {
            ObjectPropertyKind::ObjectProperty(p) => {
                let key = match &p.key {
                    _ if p.computed => None,
                    PropertyKey::StaticIdentifier(i) => Some(i.name.as_str().to_string()),
                    PropertyKey::StringLiteral(s) => Some(s.value.as_str().to_string()),
                    _ => None,
                };
                match key {
                    Some(k) => props.push((k, convert(&p.value))),
                    None => props.push((
                        String::new(),
                        Js::Opaque("a computed property name", p.span.start),
                    )),
                }
            }
            ObjectPropertyKind::SpreadProperty(s) => {
                props.push((String::new(), Js::Opaque("a spread (`...`)", s.span.start)))
            }
        }
    }
    Js::Object(props)
}

/// An array literal; spreads are opaque, holes are `null`.
fn convert_array(a: &ArrayExpression<'_>) -> Js {
    Js::Array(
        a.elements
            .iter()
            .map(|el| match el {
                ArrayExpressionElement::SpreadElement(s) => {
                    Js::Opaque("a spread (`...`)", s.span.start)
                }
                ArrayExpressionElement::Elision(_) => Js::Null,
                other => other
                    .as_expression()
                    .map(convert)
                    .unwrap_or(Js::Opaque("an array element", other.span().start)),
            })
            .collect(),
    )
}

/// An arrow function: its parameter names and the expression it returns.
fn convert_arrow(f: &ArrowFunctionExpression<'_>) -> Js {
    let params = f
        .params
        .items
        .iter()
        .map(|p| match &p.pattern {
            BindingPattern::BindingIdentifier(b) => b.name.as_str().to_string(),
            _ => String::new(),
        })
        .collect();
    let body = match &f.body {
        ArrowFunctionBody::FunctionBody(b) => {
            // A block body: its return statement.
            b.statements
                .iter()
                .find_map(|s| match s {
                    Statement::ReturnStatement(r) => r.argument.as_ref().map(convert),
                    _ => None,
                })
                .unwrap_or(Js::Opaque("a function body", f.span.start))
        }
        other => other
            .as_expression()
            .map(convert)
            .unwrap_or(Js::Opaque("a function body", f.span.start)),
    };
    Js::Arrow(params, Box::new(body))
}

/// A template literal's text parts, cooked (escapes applied) where possible.
fn template_parts(quasis: &[TemplateElement<'_>]) -> Vec<String> {
    quasis
        .iter()
        .map(|q| {
            q.value
                .cooked
                .as_ref()
                .map_or(q.value.raw.as_str(), |c| c.as_str())
                .to_string()
        })
        .collect()
}

/// A call chain `base(args).m1(a).m2(b)` taken apart.
pub(super) struct Chain {
    /// The callee of the innermost call (or the value itself).
    pub(super) base: Js,
    /// The innermost call's arguments.
    pub(super) base_args: Vec<Js>,
    /// The methods called on it, in order, with their arguments.
    pub(super) methods: Vec<(String, Vec<Js>)>,
}

pub(super) fn chain(js: &Js) -> Chain {
    let mut methods = Vec::new();
    let mut cur = js.clone();
    loop {
        match cur {
            Js::Call(callee, args) => match *callee {
                Js::Member(obj, m) => {
                    methods.push((m, args));
                    cur = *obj;
                }
                other => {
                    methods.reverse();
                    return Chain {
                        base: other,
                        base_args: args,
                        methods,
                    };
                }
            },
            other => {
                methods.reverse();
                return Chain {
                    base: other,
                    base_args: Vec::new(),
                    methods,
                };
            }
        }
    }
}

pub(super) fn prop<'j>(obj: &'j Js, key: &str) -> Option<&'j Js> {
    match obj {
        Js::Object(props) => props.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

pub(super) fn as_str(js: &Js) -> Option<&str> {
    match js {
        Js::Str(s) => Some(s),
        _ => None,
    }
}

pub(super) fn as_bool(js: Option<&Js>) -> bool {
    matches!(js, Some(Js::Bool(true)))
}

pub(super) fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

pub(super) fn js_to_json(js: &Js) -> Option<Value> {
    Some(match js {
        Js::Str(s) => json!(s),
        Js::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
        Js::Num(n) => serde_json::Number::from_f64(*n).map(Value::Number)?,
        Js::Bool(b) => json!(b),
        Js::Null => Value::Null,
        Js::Array(a) => Value::Array(a.iter().map(js_to_json).collect::<Option<_>>()?),
        Js::Object(p) => Value::Object(
            p.iter()
                .map(|(k, v)| Some((k.clone(), js_to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}
