//! Spec text to doc lines that rustdoc renders as meant and never mistakes for code.
//!
//! A spec is someone else's text, and rustdoc compiles and runs the code blocks of a crate's
//! docs as doctests. So every code block of a description, fenced with backticks or tildes
//! and whatever its info string, becomes a `text` block, and indented code is de-indented into
//! prose; text placed inside a line ([`code_span`], [`inline_text`]) is kept on that line.
//! The only doctests of a generated crate are the ones apiforge writes itself.

/// Turns a spec `description`/`summary` into doc lines (without the leading space).
///
/// Rustdoc would otherwise compile code blocks as doctests, read `[x]` as intra-doc links,
/// warn on bare URLs and unknown HTML tags; all are defused here. Control characters, lone
/// carriage returns and text-direction controls, which rustdoc or the compiler refuse in docs
/// (or which make text read otherwise than it is), are escaped.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = if text.contains(['\r', '\t', '<']) {
        // Tabs render unpredictably and clippy refuses them in docs.
        let text = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', "    ")
            .replace("<br>", "\n")
            .replace("<br/>", "\n")
            .replace("<br />", "\n");
        // HTML becomes Markdown before lines are classified, so that what is left is what is
        // looked at: `<p>```rust` is a fence, `<i>     code` a list item.
        std::borrow::Cow::Owned(html_to_markdown(&text))
    } else {
        // Most descriptions, with nothing of the above to replace.
        std::borrow::Cow::Borrowed(text)
    };
    let mut lines = Vec::new();
    // The open fence (its character and length) and the code lines read so far.
    let mut fence: Option<(char, usize)> = None;
    let mut code: Vec<String> = Vec::new();
    // Markdown joins a line that follows a list item to that item ("lazy continuation");
    // indenting it to the item's text says so explicitly, as rustdoc and clippy want.
    let mut list_item_indent: Option<usize> = None;
    for raw in text.lines() {
        let line = escape_controls(raw.trim_end());
        let trimmed = line.trim_start();
        if let Some((fence_char, fence_len)) = fence {
            let closing = fence_run(trimmed).is_some_and(|(c, len, info)| {
                c == fence_char && len >= fence_len && info.is_empty()
            });
            if closing {
                push_text_block(&mut lines, &code);
                code.clear();
                fence = None;
            } else {
                code.push(line.clone());
            }
            continue;
        }
        if let Some((fence_char, fence_len, _info)) = fence_run(trimmed) {
            // Whatever the info string (`rust`, `should_panic`, `rust,edition2021`, none), the
            // block is shown as text.
            fence = Some((fence_char, fence_len));
            list_item_indent = None;
            continue;
        }
        let escaped = escape_markdown(trimmed);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            list_item_indent = None;
            lines.push(escaped);
        } else if list_marker_width(trimmed).is_some() {
            let line = tighten_list_markers(trimmed);
            list_item_indent = list_marker_width(&line);
            lines.push(defuse_item_fence(&escape_markdown(&line)));
        } else if let Some(width) = list_item_indent {
            lines.push(format!("{:width$}{escaped}", ""));
        } else {
            lines.push(escaped);
        }
    }
    if fence.is_some() {
        push_text_block(&mut lines, &code);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let first = lines
        .iter()
        .position(|line| !line.is_empty())
        .unwrap_or(lines.len());
    lines.drain(..first);
    lines
}

/// A code fence at the start of `line`: three or more backticks or tildes, and the info
/// string after them (CommonMark: a backtick fence's info string has no backtick).
fn fence_run(line: &str) -> Option<(char, usize, &str)> {
    let fence_char = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = line.chars().take_while(|&c| c == fence_char).count();
    let info = line[len..].trim();
    let valid = len >= 3 && !(fence_char == '`' && info.contains('`'));
    valid.then_some((fence_char, len, info))
}

/// `code` as a `text` block, fenced with more backticks than any run inside it, so that no
/// line of it can close the block early and start a block rustdoc would run.
fn push_text_block(lines: &mut Vec<String>, code: &[String]) {
    let longest_run = code
        .iter()
        .flat_map(|line| line.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    lines.push(format!("{fence}text"));
    lines.extend(code.iter().cloned());
    lines.push(fence);
}

/// `text` as a Markdown code span on one line: newlines and control characters escaped, and
/// delimited by more backticks than any run inside it.
pub fn code_span(text: &str) -> String {
    let text = one_line(text);
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    // A span that starts or ends with a backtick needs a space between it and the fence.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Spec text placed inside a sentence (a tag, a server description): on one line, with
/// Markdown that would become a link or HTML escaped.
pub fn inline_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if needs_escape(c) || c == '`' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Spec text that starts a doc line (a server's description): [`inline_text`] that cannot
/// open a list, a heading, a quote, a fence or indented code there, since one escaped
/// character or no leading space keeps it prose.
pub fn line_text(text: &str) -> String {
    let text = inline_text(text);
    let text = text.trim_start();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0 && text[digits..].starts_with(['.', ')']);
    if numbered || text.starts_with(['-', '*', '+', '#', '>', '~', '=', '|']) {
        format!("\\{text}")
    } else {
        text.to_owned()
    }
}

/// Control characters (but tabs, already spaces) and text-direction controls escaped as
/// `\u{..}`, which rustdoc shows as written.
fn escape_controls(line: &str) -> String {
    if !line.chars().any(is_hidden_control) {
        return line.to_owned();
    }
    line.chars()
        .map(|c| {
            if is_hidden_control(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Characters that do not show as themselves: control characters, line and paragraph
/// separators, and the controls that reorder text (Trojan Source, CVE-2021-42574).
pub(crate) fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A list item line with one space after each of its leading markers (`- * x` is a list in
/// a list): more would move the item's text right, and five or more make it an indented code
/// block, which rustdoc runs; one space says the same in prose.
fn tighten_list_markers(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let marker = list_marker_end(rest);
        let after = &rest[marker..];
        let text = after.trim_start_matches(' ');
        if marker == 0 || text.len() == after.len() {
            out.push_str(rest);
            return out;
        }
        out.push_str(&rest[..marker]);
        out.push(' ');
        rest = text;
    }
}

/// A list item whose text opens a code fence (`- ```rust`) would hold a code block: the
/// fence's first character is escaped, so the text is prose.
fn defuse_item_fence(line: &str) -> String {
    let mut at = 0;
    loop {
        let marker = list_marker_end(&line[at..]);
        if marker == 0 {
            break;
        }
        at += marker;
        at += line[at..].len() - line[at..].trim_start_matches(' ').len();
    }
    if line[at..].starts_with("```") || line[at..].starts_with("~~~") {
        format!("{}\\{}", &line[..at], &line[at..])
    } else {
        line.to_owned()
    }
}

/// Where a list marker (`-`, `*`, `+`, `12.`, `3)`) at the start of `line` ends, or 0.
fn list_marker_end(line: &str) -> usize {
    if line.starts_with(['-', '*', '+']) {
        return 1;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    // CommonMark caps ordered-list numbers at nine digits.
    let delimited = line[digits..].starts_with(['.', ')']);
    if (1..=9).contains(&digits) && delimited {
        digits + 1
    } else {
        0
    }
}

/// Where a list item's text starts, if the line starts one: the marker (`-`, `*`, `+`, `12.`,
/// `3)`) and the spaces after it, of which CommonMark counts at most four.
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = list_marker_end(line);
    if marker == 0 {
        return None;
    }
    let spaces = line[marker..].bytes().take_while(|&b| b == b' ').count();
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// Escapes one line of prose, leaving `code spans` alone.
fn escape_markdown(line: &str) -> String {
    let parts: Vec<&str> = line.split('`').collect();
    // An odd number of backticks leaves the last one unmatched: what follows it is prose,
    // and the backtick itself is escaped.
    let unmatched = parts.len() % 2 == 0;
    let mut out = String::with_capacity(line.len());
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        if index > 0 {
            if unmatched && last {
                out.push('\\');
            }
            out.push('`');
        }
        if index % 2 == 1 && !(unmatched && last) {
            out.push_str(part);
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    out
}

/// The HTML tags descriptions use for emphasis and code, as Markdown.
fn html_to_markdown(text: &str) -> String {
    text.replace("<code>", "`")
        .replace("</code>", "`")
        .replace("<b>", "**")
        .replace("</b>", "**")
        .replace("<strong>", "**")
        .replace("</strong>", "**")
        .replace("<i>", "*")
        .replace("</i>", "*")
        .replace("<em>", "*")
        .replace("</em>", "*")
        .replace("<p>", "")
        .replace("</p>", "")
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let url_start = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| rest.find(scheme))
            .min();
        let (before, url, after) = match url_start {
            Some(start) => {
                let tail = &rest[start..];
                let len = tail
                    .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                    .unwrap_or(tail.len());
                let url = tail[..len].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'']);
                (&rest[..start], url, &rest[start + url.len()..])
            }
            None => (rest, "", ""),
        };
        for c in before.chars() {
            if needs_escape(c) {
                out.push('\\');
            }
            out.push(c);
        }
        if !url.is_empty() {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = after;
    }
    out
}

/// Brackets would be links, angle brackets HTML, backslashes escapes; emphasis stays markdown.
fn needs_escape(c: char) -> bool {
    matches!(c, '[' | ']' | '<' | '>' | '\\')
}

/// `text` made safe to put on one line of a comment: control characters, line and paragraph
/// separators, and text-direction controls are escaped (`\n`, `\u{202e}`).
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden_control(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_block_is_text_whatever_its_fence() {
        let text = "a\n~~~rust\nstd::process::exit(1);\n~~~\n```rust,edition2021\nx\n```\n```should_panic\ny\n````\n\n````\n```rust\nz\n```\n````\nend";
        assert_eq!(
            doc_lines(text),
            [
                "a",
                "```text",
                "std::process::exit(1);",
                "```",
                "```text",
                "x",
                "```",
                "```text",
                "y",
                "```",
                "",
                "````text",
                "```rust",
                "z",
                "```",
                "````",
                "end"
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_ends_with_the_text_and_a_tilde_run_inside_backticks_is_code() {
        assert_eq!(
            doc_lines("```\n~~~\ncode"),
            ["```text", "~~~", "code", "```"]
        );
    }

    #[test]
    fn hidden_characters_are_shown_escaped() {
        // Shown as `b\u{202e}c\u{7}`: the backslash is escaped for Markdown.
        assert_eq!(
            doc_lines("a\rb\u{202e}c\u{7}"),
            ["a", "b\\\\u{202e}c\\\\u{7}"]
        );
    }

    #[test]
    fn inline_text_stays_on_its_line() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("t\n```rust"), "````t\\n```rust````");
        assert_eq!(
            inline_text("Pets\n```\n[x]"),
            "Pets\\\\n\\`\\`\\`\\\\n\\[x\\]"
        );
    }

    #[test]
    fn a_list_item_far_from_its_marker_is_not_code() {
        // Found by the `docs` fuzz target: eight spaces after `-` made an indented code block.
        assert_eq!(doc_lines("-\t\tcode();"), ["- code();"]);
        assert_eq!(doc_lines("12.      code();"), ["12. code();"]);
        assert_eq!(doc_lines("*\t*\t\tcode();"), ["* * code();"]);
        assert_eq!(doc_lines("* ~~~rust"), ["* \\~~~rust"]);
        assert_eq!(doc_lines("- * ```rust"), ["- * ``\\`rust"]);
    }

    #[test]
    fn html_is_markdown_before_blocks_are_found() {
        for text in [
            "Intro\n\n<p>```rust\ncode();\n<p>```",
            "<code>``rust",
            "Intro.\n\n<p>    code();",
            "Intro.\n<i>     code();",
            "- <p>     code();",
            "- a\n<code>``\ncode();\n<code>``",
        ] {
            let lines = doc_lines(text);
            let runnable = lines.iter().any(|line| {
                let line = line.trim_start_matches(['-', '*', ' ']);
                (line.starts_with("```") || line.starts_with("~~~"))
                    && !line.ends_with("text")
                    && !line.trim_end_matches('`').is_empty()
            });
            assert!(!runnable, "{text:?} gave {lines:?}");
            assert!(
                !lines.iter().any(|line| line.starts_with("    ")),
                "{text:?} gave {lines:?}"
            );
        }
    }

    #[test]
    fn an_unmatched_backtick_leaves_the_rest_escaped() {
        assert_eq!(
            doc_lines("Costs 5` then <img src=x>"),
            ["Costs 5\\` then \\<img src=x\\>"]
        );
    }

    #[test]
    fn line_text_first_on_a_line_is_prose() {
        assert_eq!(line_text("    code();"), "code();");
        assert_eq!(line_text("1.      code();"), "\\1.      code();");
        assert_eq!(line_text("- item"), "\\- item");
        assert_eq!(inline_text("1.0.0"), "1.0.0");
    }

    #[test]
    fn deeply_nested_list_markers_do_not_overflow_the_stack() {
        let lines = doc_lines(&"- ".repeat(100_000));
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(
            doc_lines("a\tb\n```\n\tcode\n```"),
            ["a    b", "```text", "    code", "```"]
        );
    }

    #[test]
    fn html_becomes_markdown_and_urls_are_wrapped() {
        let lines = doc_lines(
            "Use the key.<br><br>Send <code>Authorization: Bearer &#10094;JWT&#10095;</code> see https://x.example/a.",
        );
        assert_eq!(
            lines,
            [
                "Use the key.",
                "",
                "Send `Authorization: Bearer &#10094;JWT&#10095;` see <https://x.example/a>."
            ]
        );
    }

    #[test]
    fn lines_after_a_list_item_are_indented_as_its_continuation() {
        let lines = doc_lines(
            "Kinds:\n- first\nmore of first\n10. tenth\nmore\n*   wide\nmore\n\nafter the list",
        );
        assert_eq!(
            lines,
            [
                "Kinds:",
                "- first",
                "  more of first",
                "10. tenth",
                "    more",
                "* wide",
                "  more",
                "",
                "after the list"
            ]
        );
    }

    #[test]
    fn code_blocks_never_become_doctests_and_links_are_escaped() {
        let lines = doc_lines(
            "\n  Example:\n\n    indented\n```\nraw [x]\n```\nsee [RFC] List<String> `a[0]`\n\n",
        );
        assert_eq!(
            lines,
            [
                "Example:",
                "",
                "indented",
                "```text",
                "raw [x]",
                "```",
                "see \\[RFC\\] List\\<String\\> `a[0]`"
            ]
        );
    }
}
