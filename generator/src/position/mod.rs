//! Where a JSON pointer is in the source text: the line and column diagnostics show.
//!
//! The document is read a second time, with positions, only when there are diagnostics to
//! place; the typed model keeps none. JSON is walked byte by byte (`json.rs`), several times
//! faster than YAML's scanner on a big document; anything else, and JSON that walk does not
//! take, through YAML's events (`yaml.rs`; JSON is YAML too).

mod json;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Diagnostic;

/// Fills in the line and column of every diagnostic about `file` that has a pointer but no
/// position yet, from the source `contents`.
pub fn annotate(file: &str, contents: &[u8], diagnostics: &mut [Diagnostic]) {
    let wanted: BTreeSet<String> = diagnostics
        .iter()
        .filter(|d| d.file == file && d.position.is_none())
        .filter_map(|d| d.pointer.clone())
        .collect();
    if wanted.is_empty() {
        return;
    }
    // Checking UTF-8 first takes a word at a time; the lossy reading goes byte by byte.
    let text = match std::str::from_utf8(contents) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(contents),
    };
    let found = positions(&text, &wanted);
    for diagnostic in diagnostics
        .iter_mut()
        .filter(|d| d.file == file && d.position.is_none())
    {
        if let Some(position) = diagnostic.pointer.as_ref().and_then(|p| found.get(p)) {
            diagnostic.position = Some(*position);
        }
    }
}

/// The 1-based line and column of each wanted pointer (`#/paths/~1pets`) that occurs in
/// `text`: for a mapping entry, where its key is; for anything else, where it starts.
pub fn positions(text: &str, wanted: &BTreeSet<String>) -> BTreeMap<String, (usize, usize)> {
    json::positions(text, wanted).unwrap_or_else(|| yaml::positions(text, wanted))
}

/// Whether some wanted pointer is inside the node at `pointer`: only then are its children
/// named, which spares building a pointer for every node of a big document.
fn wanted_inside(wanted: &BTreeSet<String>, pointer: &str) -> bool {
    let prefix = format!("{pointer}/");
    wanted
        .range(prefix.clone()..)
        .next()
        .is_some_and(|wanted| wanted.starts_with(&prefix))
}
