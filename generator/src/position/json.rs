//! Positions in a JSON document, walked byte by byte: JSON's grammar is small, and a big
//! document's positions come several times faster this way than through YAML's scanner.
//!
//! The walk keeps its open objects and arrays on a stack of its own, so no nesting depth
//! can exhaust the thread's stack.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::wanted_inside;
use crate::pointer::escape;

/// The positions of the wanted pointers in `text`, or `None` when `text` is not JSON as this
/// walk reads it (YAML, or JSON with an error before the end), for the YAML walk to find.
pub(super) fn positions(
    text: &str,
    wanted: &BTreeSet<String>,
) -> Option<BTreeMap<String, (usize, usize)>> {
    let mut walk = Walk {
        text,
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        column: Column::default(),
        wanted,
        found: BTreeMap::new(),
    };
    walk.skip_whitespace();
    if !matches!(walk.bytes.get(walk.at), Some(b'{' | b'[')) {
        return None;
    }
    walk.document()?;
    Some(walk.found)
}

/// An object or array the walk is inside of, with its pointer when a wanted pointer is
/// inside it (its children are not named otherwise).
enum Open {
    Object {
        pointer: Option<String>,
        first: bool,
    },
    Array {
        pointer: Option<String>,
        next: usize,
    },
}

/// Where the current line starts, and how many characters lie between it and `counted`:
/// columns count characters, and counting each from the line's start would be quadratic on
/// a document written on one line.
#[derive(Default)]
struct Column {
    line_start: usize,
    counted: usize,
    characters: usize,
}

struct Walk<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    line: usize,
    column: Column,
    wanted: &'t BTreeSet<String>,
    found: BTreeMap<String, (usize, usize)>,
}

impl Walk<'_> {
    fn document(&mut self) -> Option<()> {
        let mut open = Vec::new();
        self.value(Some("#".to_owned()), true, &mut open)?;
        while let Some(top) = open.last_mut() {
            self.skip_whitespace();
            let (pointer, record) = match top {
                Open::Object { pointer, first } => {
                    if self.eat(b'}') {
                        open.pop();
                        continue;
                    }
                    if !std::mem::take(first) {
                        self.expect(b',')?;
                        self.skip_whitespace();
                    }
                    let key_at = self.at;
                    let key = self.string()?;
                    let member = match pointer {
                        Some(pointer) => {
                            let key = read_escapes(self.text.get(key)?)?;
                            Some(format!("{pointer}/{}", escape(&key)))
                        }
                        None => None,
                    };
                    if let Some(member) = &member {
                        self.record(member, key_at);
                    }
                    self.skip_whitespace();
                    self.expect(b':')?;
                    // A member's place is its key's, recorded above.
                    (member, false)
                }
                Open::Array { pointer, next } => {
                    if self.eat(b']') {
                        open.pop();
                        continue;
                    }
                    if *next > 0 {
                        self.expect(b',')?;
                    }
                    let element = pointer.as_ref().map(|pointer| format!("{pointer}/{next}"));
                    *next += 1;
                    (element, true)
                }
            };
            self.value(pointer, record, &mut open)?;
        }
        Some(())
    }

    /// Reads the value that starts next (recording where, when `record`): a scalar whole, an
    /// object or array by opening it.
    fn value(&mut self, pointer: Option<String>, record: bool, open: &mut Vec<Open>) -> Option<()> {
        self.skip_whitespace();
        if record {
            if let Some(pointer) = &pointer {
                self.record(pointer, self.at);
            }
        }
        let inside = pointer.filter(|pointer| wanted_inside(self.wanted, pointer));
        match self.bytes.get(self.at)? {
            b'{' => {
                self.at += 1;
                open.push(Open::Object {
                    pointer: inside,
                    first: true,
                });
            }
            b'[' => {
                self.at += 1;
                open.push(Open::Array {
                    pointer: inside,
                    next: 0,
                });
            }
            b'"' => {
                self.string()?;
            }
            _ => {
                let start = self.at;
                while self.bytes.get(self.at).is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
                }) {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
            }
        }
        Some(())
    }

    /// Skips a string, returning where its text between the quotes is, escapes as written.
    fn string(&mut self) -> Option<Range<usize>> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.at;
        loop {
            match self.bytes.get(self.at)? {
                b'"' => break,
                b'\\' => self.at += 2,
                // A line break inside a string is not JSON.
                b'\n' => return None,
                _ => self.at += 1,
            }
        }
        let text = start..self.at;
        self.at += 1;
        Some(text)
    }

    fn record(&mut self, pointer: &str, at: usize) {
        if self.wanted.contains(pointer) && !self.found.contains_key(pointer) {
            let column = self.column_of(at);
            self.found.insert(pointer.to_owned(), (self.line, column));
        }
    }

    /// The 1-based column, in characters, of byte `at` on the current line.
    fn column_of(&mut self, at: usize) -> usize {
        let column = &mut self.column;
        if column.counted < column.line_start {
            column.counted = column.line_start;
            column.characters = 0;
        }
        column.characters += self.bytes[column.counted..at]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count();
        column.counted = at;
        column.characters + 1
    }

    fn skip_whitespace(&mut self) {
        while let Some(byte) = self.bytes.get(self.at) {
            match byte {
                b'\n' => {
                    self.line += 1;
                    self.column.line_start = self.at + 1;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.at) == Some(&byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }
}

/// A string's text with its escapes read, as `serde_json` reads them.
fn read_escapes(raw: &str) -> Option<Cow<'_, str>> {
    if raw.contains('\\') {
        serde_json::from_str::<String>(&format!("\"{raw}\""))
            .ok()
            .map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pointer of `text`, for asking about all of them.
    fn all_pointers(value: &serde_json::Value, pointer: &str, out: &mut BTreeSet<String>) {
        out.insert(pointer.to_owned());
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    all_pointers(value, &format!("{pointer}/{}", escape(key)), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (index, value) in items.iter().enumerate() {
                    all_pointers(value, &format!("{pointer}/{index}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_pointer_is_where_the_yaml_walk_puts_it() {
        let text = concat!(
            "{\n",
            "  \"openapi\": \"3.0.3\", \"x-ünïcode\": \"é\", \"a/b~c\": [1, -2.5e3, true, null],\n",
            "  \"paths\": {\"/p\": {\"get\": {\"tags\": [\"x\", {\"k\": []}],\r\n",
            "    \"esc\\\"aped\": \"say \\\"hi\\\"\\n\", \"\\u0041\": {}}}},\n",
            "  \"nested\": [[[], [{}]], {\"deep\": {\"er\": [0]}}]\n",
            "}\n"
        );
        let value: serde_json::Value = serde_json::from_str(text).expect("the sample is JSON");
        let mut wanted = BTreeSet::new();
        all_pointers(&value, "#", &mut wanted);
        let mut found = positions(text, &wanted).expect("the sample is walked as JSON");
        assert_eq!(found.len(), wanted.len(), "every pointer is found");
        // The root has a place here; YAML's walk gives it none.
        assert_eq!(found.remove("#"), Some((1, 1)));
        assert_eq!(found, super::super::yaml::positions(text, &wanted));
        assert_eq!(found["#/paths/~1p/get/tags/1/k"], (3, 43));
        assert_eq!(found["#/paths/~1p/get/A"], (4, 34));
    }

    #[test]
    fn what_nothing_is_wanted_inside_is_passed_over_with_its_lines_counted() {
        let text = concat!(
            "{\"skipped\": {\"a\": [\"]}\\\"\", {\"b\": \"{[\"}],\n",
            "  \"c\": [[],\n\n {}]},\n",
            "  \"kept\": {\"x\": [1, {\"y\": true}]}}\n"
        );
        serde_json::from_str::<serde_json::Value>(text).expect("the sample is JSON");
        let wanted = BTreeSet::from(["#/kept/x/1/y".to_owned(), "#/kept".to_owned()]);
        let found = positions(text, &wanted).expect("the sample is walked as JSON");
        assert_eq!(found["#/kept/x/1/y"], (5, 22));
        assert_eq!(found, super::super::yaml::positions(text, &wanted));
    }

    #[test]
    fn what_is_not_json_is_left_to_the_yaml_walk() {
        let wanted = BTreeSet::from(["#/a".to_owned()]);
        for text in [
            "a: 1\n",
            "{a: 1}",
            "{\"a\": 1,,}",
            "{\"a\": \"line\nbreak\"}",
            "[1",
            "{\"b\": {x: ']'}, \"a\": 1}",
        ] {
            assert_eq!(positions(text, &wanted), None, "{text:?}");
        }
    }

    #[test]
    fn nesting_deeper_than_any_stack_is_walked() {
        let depth = 200_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let wanted = BTreeSet::from(["#/0/0/0".to_owned()]);
        let found = positions(&text, &wanted).expect("deep JSON is still JSON");
        assert_eq!(found["#/0/0/0"], (1, 4));
    }
}
