//! Spec text to doc lines that rustdoc renders as meant and never mistakes for code.

/// Turns a spec `description`/`summary` into doc lines (without the leading space).
///
/// Rustdoc would otherwise compile indented or unlabelled code blocks as doctests, read
/// `[x]` as intra-doc links, warn on bare URLs and unknown HTML tags; all are defused here.
pub fn doc_lines(text: &str) -> Vec<String> {
    // Tabs render unpredictably and clippy refuses them in docs.
    let text = text
        .replace('\t', "    ")
        .replace("\r\n", "\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n");
    let mut lines = Vec::new();
    let mut in_fence = false;
    // Markdown joins a line that follows a list item to that item ("lazy continuation");
    // indenting it to the item's text says so explicitly, as rustdoc and clippy want.
    let mut list_item_indent: Option<usize> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                lines.push("```".to_owned());
            } else {
                let info = info.trim();
                let label = if info.is_empty() || info == "rust" {
                    "text"
                } else {
                    info
                };
                lines.push(format!("```{label}"));
            }
            in_fence = !in_fence;
            list_item_indent = None;
            continue;
        }
        if in_fence {
            lines.push(line.to_owned());
            continue;
        }
        let escaped = escape_markdown(trimmed);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            list_item_indent = None;
            lines.push(escaped);
        } else if let Some(width) = list_marker_width(trimmed) {
            list_item_indent = Some(width);
            lines.push(escaped);
        } else if let Some(width) = list_item_indent {
            lines.push(format!("{:width$}{escaped}", ""));
        } else {
            lines.push(escaped);
        }
    }
    if in_fence {
        lines.push("```".to_owned());
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

/// Where a list item's text starts, if the line starts one: the marker (`-`, `*`, `+`, `12.`,
/// `3)`) and the spaces after it, of which CommonMark counts at most four.
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        // CommonMark caps ordered-list numbers at nine digits.
        let delimited = line[digits..].starts_with(['.', ')']);
        if !(1..=9).contains(&digits) || !delimited {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].bytes().take_while(|&b| b == b' ').count();
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// Escapes one line of prose, leaving `code spans` alone.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for (index, part) in line.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        if index % 2 == 1 {
            out.push_str(part);
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    out
}

fn escape_prose(text: &str) -> String {
    let text = text
        .replace("<code>", "`")
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
        .replace("</p>", "");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
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
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c) =>
            {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
                "*   wide",
                "    more",
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
