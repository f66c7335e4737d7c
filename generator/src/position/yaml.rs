//! Positions in any document, from YAML's events with their marks (JSON is YAML too).

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::wanted_inside;
use crate::pointer::escape;

/// The 1-based line and column of each wanted pointer (`#/paths/~1pets`) that occurs in
/// `text`: for a mapping entry, where its key is; for anything else, where it starts.
pub(super) fn positions(text: &str, wanted: &BTreeSet<String>) -> BTreeMap<String, (usize, usize)> {
    let mut walker = Walker {
        wanted,
        found: BTreeMap::new(),
        stack: Vec::new(),
    };
    // A document the loader accepted parses here too; if not, what was found so far stands.
    let _ = Parser::new_from_str(text).load(&mut walker, false);
    walker.found
}

enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
    /// A node no wanted pointer is inside of: its children are not named at all, which spares
    /// building a pointer for every node of a big document.
    Skipped,
}

struct Walker<'w> {
    wanted: &'w BTreeSet<String>,
    found: BTreeMap<String, (usize, usize)>,
    stack: Vec<Frame>,
}

impl Walker<'_> {
    fn record(&mut self, pointer: &str, mark: Marker) {
        if self.wanted.contains(pointer) && !self.found.contains_key(pointer) {
            // Lines count from 1 and columns from 0 in the parser; both count from 1 here.
            self.found
                .insert(pointer.to_owned(), (mark.line(), mark.col() + 1));
        }
    }

    /// The pointer of the node that starts now, or `None` when the node is a mapping key or
    /// inside a skipped one.
    fn node_pointer(&mut self, event: &Event, mark: Marker) -> Option<String> {
        let (pointer, key_mark) = match self.stack.last_mut() {
            None => return Some("#".to_owned()),
            Some(Frame::Skipped) => return None,
            Some(Frame::Sequence { pointer, next }) => {
                let at = format!("{pointer}/{next}");
                *next += 1;
                (at, None)
            }
            Some(Frame::Mapping { pointer, key }) => match key.take() {
                Some(key) => (format!("{pointer}/{}", escape(&key)), Some(())),
                None => {
                    let text = match event {
                        Event::Scalar(text, ..) => text.clone(),
                        _ => String::new(),
                    };
                    let at = format!("{pointer}/{}", escape(&text));
                    *key = Some(text);
                    self.record(&at, mark);
                    return None;
                }
            },
        };
        if key_mark.is_none() {
            self.record(&pointer, mark);
        }
        Some(pointer)
    }

    /// The frame of a collection that starts at `pointer`.
    fn frame(&self, pointer: Option<String>, sequence: bool) -> Frame {
        match pointer {
            Some(pointer) if wanted_inside(self.wanted, &pointer) => {
                if sequence {
                    Frame::Sequence { pointer, next: 0 }
                } else {
                    Frame::Mapping { pointer, key: None }
                }
            }
            // A mapping used as a key is skipped too: it has no pointer of its own.
            _ => Frame::Skipped,
        }
    }
}

impl MarkedEventReceiver for Walker<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match &event {
            Event::Scalar(..) | Event::Alias(_) => {
                self.node_pointer(&event, mark);
            }
            Event::MappingStart(..) => {
                let pointer = self.node_pointer(&event, mark);
                let frame = self.frame(pointer, false);
                self.stack.push(frame);
            }
            Event::SequenceStart(..) => {
                let pointer = self.node_pointer(&event, mark);
                let frame = self.frame(pointer, true);
                self.stack.push(frame);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, pointers: &[&str]) -> BTreeMap<String, (usize, usize)> {
        let wanted = pointers.iter().map(|p| (*p).to_owned()).collect();
        positions(text, &wanted)
    }

    #[test]
    fn yaml_keys_and_items_are_found() {
        let text = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      tags: [a, b]\n      responses:\n        '200': {description: ok}\n";
        let found = find(
            text,
            &[
                "#/paths/~1pets/get",
                "#/paths/~1pets/get/tags/1",
                "#/paths/~1pets/get/responses/200",
                "#/nope",
            ],
        );
        assert_eq!(found["#/paths/~1pets/get"], (4, 5));
        assert_eq!(found["#/paths/~1pets/get/tags/1"], (5, 17));
        assert_eq!(found["#/paths/~1pets/get/responses/200"], (7, 9));
        assert!(!found.contains_key("#/nope"));
    }

    #[test]
    fn json_is_found_too() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}";
        let found = find(text, &["#/paths/~1a/get"]);
        assert_eq!(found["#/paths/~1a/get"], (3, 12));
    }
}
