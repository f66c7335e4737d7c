//! Documents for lowering's unit tests: YAML written indented inside raw strings, lowered with
//! default settings.

use crate::Diagnostic;
use crate::ir::{Api, Operation};
use crate::lower::lower;

/// `text` without the indentation its lines share.
pub(crate) fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A document with these paths (YAML, any indent) and nothing else.
pub(crate) fn with_paths(paths: &str) -> String {
    let paths = dedent(paths)
        .lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n{paths}\n")
}

/// `text` (a whole document, any indent) lowered, and its warnings as text.
pub(crate) fn lowered(text: &str) -> (Api, Vec<String>) {
    let text = dedent(text);
    let loaded = crate::load::load("t.yaml", text.as_bytes())
        .unwrap_or_else(|e| panic!("loads: {e:?}\n{text}"));
    let (api, warnings) = lower("t.yaml", &loaded.document, &crate::Settings::new("t"))
        .unwrap_or_else(|e| panic!("lowers: {e:?}"));
    let warnings = warnings.iter().map(Diagnostic::to_string).collect();
    (api, warnings)
}

/// The operation whose `Client` method is `method`.
pub(crate) fn operation<'a>(api: &'a Api, method: &str) -> &'a Operation {
    api.operations()
        .find(|op| op.method_ident == method)
        .unwrap_or_else(|| panic!("no operation {method}"))
}
