//! Spec text through the one rendering into rustdoc: whatever the text, the doc comment has no
//! code block rustdoc would run (every block is `text`, as rustdoc's own Markdown parser,
//! pulldown-cmark, reads it), no hidden control character, and parses as a doc comment.

#![no_main]

use apiforge_generator::lower::docs::{code_span, doc_lines, inline_text, line_text};
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

fuzz_target!(|text: &str| {
    let mut lines = doc_lines(text);
    // Text placed inside sentences stays inside them.
    lines.push(format!("Tagged {} and {}.", code_span(text), inline_text(text)));
    // And text that starts a line, after a blank one.
    lines.push(String::new());
    lines.push(format!("{}.", line_text(text)));
    for line in &lines {
        assert!(
            !line.chars().any(char::is_control),
            "a control character in {line:?} from {text:?}"
        );
    }
    let doc = lines.join("\n");
    for event in Parser::new(&doc) {
        if let Event::Start(Tag::CodeBlock(kind)) = event {
            match kind {
                CodeBlockKind::Fenced(info) => {
                    assert_eq!(info.as_ref(), "text", "a runnable block from {text:?}:\n{doc}");
                }
                CodeBlockKind::Indented => panic!("an indented block from {text:?}:\n{doc}"),
            }
        }
    }
    let attrs: String = lines
        .iter()
        .map(|line| format!("#[doc = {:?}]\n", format!(" {line}")))
        .collect();
    if let Err(error) = syn::parse_str::<syn::File>(&format!("{attrs}struct Documented;")) {
        panic!("the doc comment does not parse ({error}) from {text:?}");
    }
});
