//! Expressions and statements written as text the way the printer (prettyplease) lays them
//! out, for the items emit writes as text ([`text_items`](super::text_items)).
//!
//! Only the shapes operations need: paths and literals, calls, `&[...]` lists, method chains
//! on one receiver and one-parameter closures. The layout follows the printer's: whatever fits
//! within its margin stays on one line; a call too wide puts each argument on a line of its
//! own, a chain each method, a closure its body in a block. What a line ends with counts
//! towards the margin (a statement's `;`, a comma before the next argument), but the comma the
//! printer adds only when it breaks a list (after the last element) does not.

use super::macros::PRINTER_MARGIN;

/// An expression, as far as the printer's layout goes.
pub(super) enum Expr {
    /// Text that never breaks: a path, a literal, `&self.name`.
    Atom(String),
    /// `function(arguments)`.
    Call(String, Vec<Expr>),
    /// `&[elements]`.
    List(Vec<Expr>),
    /// `receiver.method(arguments)...`, each link a method and its arguments.
    Chain(String, Vec<(String, Vec<Expr>)>),
    /// `|parameter| body`.
    Closure(String, Box<Expr>),
}

impl Expr {
    /// `text` as an atom.
    pub(super) fn atom(text: impl Into<String>) -> Expr {
        Expr::Atom(text.into())
    }

    /// The expression on one line.
    fn flat(&self) -> String {
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Call(function, arguments) => format!("{function}({})", flat_list(arguments)),
            Expr::List(elements) => format!("&[{}]", flat_list(elements)),
            Expr::Chain(receiver, links) => {
                let mut text = receiver.clone();
                for (method, arguments) in links {
                    text.push_str(&format!(".{method}({})", flat_list(arguments)));
                }
                text
            }
            Expr::Closure(parameter, body) => format!("|{parameter}| {}", body.flat()),
        }
    }

    /// Writes the expression starting at column `indent` (the indent is written already, and
    /// so is `lead`, text before it on its line), followed by `counted` (which the margin
    /// counts) and `uncounted` (a comma the printer adds only to broken lists).
    fn write(&self, out: &mut String, indent: usize, lead: usize, counted: &str, uncounted: &str) {
        let flat = self.flat();
        if indent + lead + flat.len() + counted.len() <= PRINTER_MARGIN {
            out.push_str(&flat);
            out.push_str(counted);
            out.push_str(uncounted);
            return;
        }
        match self {
            Expr::Atom(text) => {
                out.push_str(text);
                out.push_str(counted);
                out.push_str(uncounted);
            }
            Expr::Call(function, arguments) => {
                out.push_str(function);
                write_broken_list(out, "(", arguments, ")", indent);
                out.push_str(counted);
                out.push_str(uncounted);
            }
            Expr::List(elements) => {
                write_broken_list(out, "&[", elements, "]", indent);
                out.push_str(counted);
                out.push_str(uncounted);
            }
            Expr::Chain(receiver, links) => {
                out.push_str(receiver);
                let link_indent = indent + 4;
                for (index, (method, arguments)) in links.iter().enumerate() {
                    let last = index + 1 == links.len();
                    let (counted, uncounted) = if last { (counted, uncounted) } else { ("", "") };
                    out.push('\n');
                    push_indent(out, link_indent);
                    let flat_link = format!(".{method}({})", flat_list(arguments));
                    if link_indent + flat_link.len() + counted.len() <= PRINTER_MARGIN {
                        out.push_str(&flat_link);
                    } else if let [Expr::Closure(parameter, body)] = arguments.as_slice() {
                        out.push_str(&format!(".{method}(|{parameter}| {{"));
                        write_block(out, body, link_indent);
                        out.push_str("})");
                    } else {
                        out.push_str(&format!(".{method}"));
                        write_broken_list(out, "(", arguments, ")", link_indent);
                    }
                    out.push_str(counted);
                    out.push_str(uncounted);
                }
            }
            Expr::Closure(parameter, body) => {
                out.push_str(&format!("|{parameter}| {{"));
                write_block(out, body, indent);
                out.push('}');
                out.push_str(counted);
                out.push_str(uncounted);
            }
        }
    }
}

/// `items` on one line, separated by commas.
fn flat_list(items: &[Expr]) -> String {
    items.iter().map(Expr::flat).collect::<Vec<_>>().join(", ")
}

/// `open`, each of `items` on a line of its own one level in from `indent` with a comma after
/// it, and `close` back at `indent`.
fn write_broken_list(out: &mut String, open: &str, items: &[Expr], close: &str, indent: usize) {
    out.push_str(open);
    for (index, item) in items.iter().enumerate() {
        out.push('\n');
        push_indent(out, indent + 4);
        if index + 1 == items.len() {
            item.write(out, indent + 4, 0, "", ",");
        } else {
            item.write(out, indent + 4, 0, ",", "");
        }
    }
    out.push('\n');
    push_indent(out, indent);
    out.push_str(close);
}

/// A closure's body inside its block, one level in from `indent`, up to the closing brace
/// (written by the caller) back at `indent`.
fn write_block(out: &mut String, body: &Expr, indent: usize) {
    out.push('\n');
    push_indent(out, indent + 4);
    body.write(out, indent + 4, 0, "", "");
    out.push('\n');
    push_indent(out, indent);
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// `expr` as a statement at `indent`, after `lead` (`let mut request = `), ending in `;`.
pub(super) fn statement(indent: usize, lead: &str, expr: &Expr) -> String {
    let mut out = String::new();
    push_indent(&mut out, indent);
    out.push_str(lead);
    expr.write(&mut out, indent, lead.len(), ";", "");
    out.push('\n');
    out
}

/// `expr` as the value a block ends with, at `indent`.
pub(super) fn tail(indent: usize, expr: &Expr) -> String {
    let mut out = String::new();
    push_indent(&mut out, indent);
    expr.write(&mut out, indent, 0, "", "");
    out.push('\n');
    out
}

/// A match arm at `indent`: `pattern => expr,`, or the expression in a block when the arm
/// does not fit on its line.
pub(super) fn arm(indent: usize, pattern: &str, expr: &Expr) -> String {
    let mut out = String::new();
    push_indent(&mut out, indent);
    let flat = format!("{pattern} => {}", expr.flat());
    if indent + flat.len() <= PRINTER_MARGIN {
        out.push_str(&flat);
        out.push_str(",\n");
        return out;
    }
    out.push_str(&format!("{pattern} => {{\n"));
    out.push_str(&tail(indent + 4, expr));
    push_indent(&mut out, indent);
    out.push_str("}\n");
    out
}

/// A method's signature inside an impl (at indent 4), through its opening brace and line
/// break, as the printer lays it out: on one line where it fits, else the receiver and each
/// parameter (`name: impl Into<type>`) on a line of their own. A parameter too wide for its
/// line is broken inside its angle brackets; `None` when its type has angle brackets of its
/// own, which only the printer breaks. `returns` follows `->`; `broken_returns` is what the
/// signature ends with where `) -> returns {` does not fit its line.
pub(super) fn signature(
    method: &str,
    receiver: Option<&str>,
    arguments: &[(&str, String)],
    returns: &str,
    broken_returns: &str,
) -> Option<String> {
    let fits = |line: &str| line.len() <= PRINTER_MARGIN;
    // As its own lines, the last argument's comma (written only when broken) does not count.
    let mut argument_lines = String::new();
    let last = arguments.len().saturating_sub(1);
    for (index, (name, ty)) in arguments.iter().enumerate() {
        let comma = if index == last { "" } else { "," };
        if fits(&format!("        {name}: impl Into<{ty}>{comma}")) {
            argument_lines.push_str(&format!("        {name}: impl Into<{ty}>,\n"));
        } else if !ty.contains('<') {
            argument_lines.push_str(&format!(
                "        {name}: impl Into<\n            {ty},\n        >,\n"
            ));
        } else {
            return None;
        }
    }
    let parameters: Vec<String> = receiver
        .map(str::to_owned)
        .into_iter()
        .chain(
            arguments
                .iter()
                .map(|(name, ty)| format!("{name}: impl Into<{ty}>")),
        )
        .collect();
    let one_line = format!(
        "    pub fn {method}({}) -> {returns} {{",
        parameters.join(", ")
    );
    if fits(&one_line) {
        return Some(one_line + "\n");
    }
    let mut text = format!("    pub fn {method}(\n");
    if let Some(receiver) = receiver {
        text.push_str(&format!("        {receiver},\n"));
    }
    text.push_str(&argument_lines);
    let returns_line = format!("    ) -> {returns} {{");
    if fits(&returns_line) {
        text.push_str(&returns_line);
        text.push('\n');
    } else {
        text.push_str(broken_returns);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::Expr;

    fn call(function: &str, arguments: Vec<Expr>) -> Expr {
        Expr::Call(function.to_owned(), arguments)
    }

    fn chain(receiver: &str, links: Vec<(&str, Vec<Expr>)>) -> Expr {
        Expr::Chain(
            receiver.to_owned(),
            links
                .into_iter()
                .map(|(method, arguments)| (method.to_owned(), arguments))
                .collect(),
        )
    }

    fn closure(parameter: &str, body: Expr) -> Expr {
        Expr::Closure(parameter.to_owned(), Box::new(body))
    }

    /// `body` (a function body's lines) as the printer lays it out in a method.
    fn printed(body: &str) -> String {
        let file: syn::File = syn::parse_str(&format!("impl C {{ fn f(self) -> R {{ {body} }} }}"))
            .expect("the body parses");
        let printed = prettyplease::unparse(&file);
        let lines: Vec<&str> = printed.lines().collect();
        lines[2..lines.len() - 2]
            .iter()
            .map(|line| format!("{line}\n"))
            .collect()
    }

    /// Each shape operations write, at every width from well within the margin to well past
    /// it: the text is what the printer makes of the same code.
    #[test]
    fn text_is_laid_out_as_the_printer_lays_it_out() {
        for width in 1..=64 {
            let name = format!("N{}", "n".repeat(width));
            let with_headers = |decoded: Expr| -> Expr {
                let Expr::Chain(receiver, mut links) = decoded else {
                    unreachable!("a chain")
                };
                links.push((
                    "and_then".to_owned(),
                    vec![closure(
                        "response",
                        chain(
                            "response",
                            vec![(
                                "with_typed_headers",
                                vec![Expr::atom(format!("{name}::decode"))],
                            )],
                        ),
                    )],
                ));
                Expr::Chain(receiver, links)
            };
            let mapped = |decode: &str, parameter: &str| {
                chain(
                    "response",
                    vec![
                        (decode, vec![]),
                        (
                            "map",
                            vec![closure(
                                "response",
                                chain(
                                    "response",
                                    vec![(
                                        "map",
                                        vec![if parameter.is_empty() {
                                            Expr::atom(format!("{name}::Ok"))
                                        } else {
                                            closure(parameter, Expr::atom(format!("{name}::Ok")))
                                        }],
                                    )],
                                ),
                            )],
                        ),
                    ],
                )
            };
            let error = call(
                "Err",
                vec![chain(
                    "response",
                    vec![("error_json", vec![Expr::atom(format!("{name}::NotFound"))])],
                )],
            );
            let arms = [
                error,
                with_headers(chain("response", vec![("json", vec![])])),
                mapped("json", ""),
                mapped("empty", "()"),
                with_headers(mapped("empty", "()")),
            ];
            let mut text = String::from("match response.status().as_u16() {\n");
            let mut code = String::from("match response.status().as_u16() {");
            for (index, expr) in arms.iter().enumerate() {
                let pattern = format!("{}", 200 + index);
                text.push_str(&super::arm(12, &pattern, expr));
                code.push_str(&format!("{pattern} => {},", expr.flat()));
            }
            text.push_str("            _ => Err(response.unexpected()),\n");
            code.push_str("_ => Err(response.unexpected()), }");
            let text = format!("        {text}        }}\n");

            let security = Expr::List(vec![
                Expr::List(vec![Expr::atom(format!("&crate::security::{name}"))]),
                Expr::List(vec![Expr::atom("&crate::security::OTHER")]),
            ]);
            let request = call(
                "Request::for_operation",
                vec![
                    Expr::atom("Method::GET"),
                    Expr::atom(format!("{:?}", name.to_lowercase())),
                    Expr::atom("\"/x\""),
                    security,
                ],
            );
            let statements = [
                ("let mut request = ", request),
                (
                    "",
                    chain(
                        "request",
                        vec![(
                            "path_param",
                            vec![Expr::atom(format!("{name:?}")), Expr::atom("&self.id")],
                        )],
                    ),
                ),
                (
                    "",
                    chain(
                        "request",
                        vec![(
                            "body",
                            vec![
                                Expr::atom("&self.body"),
                                Expr::atom(format!("::apiforge_runtime::BodyEncoding::{name}")),
                            ],
                        )],
                    ),
                ),
            ];
            let mut text_statements = String::new();
            let mut code_statements = String::new();
            for (lead, expr) in &statements {
                text_statements.push_str(&super::statement(8, lead, expr));
                code_statements.push_str(&format!("{lead}{};", expr.flat()));
            }
            assert_eq!(
                format!("{text_statements}{text}"),
                printed(&format!("{code_statements} {code}")),
                "width {width}"
            );
            // A request with nothing to add to it is the function's value.
            let request = call(
                "Ok",
                vec![call(
                    "Request::for_operation",
                    vec![
                        Expr::atom("Method::POST"),
                        Expr::atom(format!("{:?}", name.to_lowercase())),
                        Expr::atom(format!("\"/{}/{{id}}\"", name.to_lowercase())),
                        Expr::List(Vec::new()),
                    ],
                )],
            );
            assert_eq!(
                super::tail(8, &request),
                printed(&request.flat()),
                "width {width}"
            );
        }
    }
}
