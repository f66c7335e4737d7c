//! The runtime's own source, for crates that carry it inline (`Runtime::Inline`): every file
//! of `runtime/src` as the generator was built with it, its `crate::` paths rebased onto the
//! module it becomes and its unit tests left out.

/// `runtime/src`, file by file; `lib.rs` becomes the module's `mod.rs`.
const SOURCES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../../runtime/src/auth.rs")),
    (
        "blocking.rs",
        include_str!("../../../runtime/src/blocking.rs"),
    ),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    (
        "credential.rs",
        include_str!("../../../runtime/src/credential.rs"),
    ),
    (
        "download.rs",
        include_str!("../../../runtime/src/download.rs"),
    ),
    ("encode.rs", include_str!("../../../runtime/src/encode.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    ("events.rs", include_str!("../../../runtime/src/events.rs")),
    ("header.rs", include_str!("../../../runtime/src/header.rs")),
    ("lib.rs", include_str!("../../../runtime/src/lib.rs")),
    (
        "middleware.rs",
        include_str!("../../../runtime/src/middleware.rs"),
    ),
    (
        "operation.rs",
        include_str!("../../../runtime/src/operation.rs"),
    ),
    (
        "options.rs",
        include_str!("../../../runtime/src/options.rs"),
    ),
    (
        "paginate.rs",
        include_str!("../../../runtime/src/paginate.rs"),
    ),
    ("redact.rs", include_str!("../../../runtime/src/redact.rs")),
    (
        "request.rs",
        include_str!("../../../runtime/src/request.rs"),
    ),
    (
        "request_id.rs",
        include_str!("../../../runtime/src/request_id.rs"),
    ),
    (
        "response.rs",
        include_str!("../../../runtime/src/response.rs"),
    ),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    (
        "serde_helpers.rs",
        include_str!("../../../runtime/src/serde_helpers.rs"),
    ),
    ("upload.rs", include_str!("../../../runtime/src/upload.rs")),
];

/// The runtime's files, as `src/runtime/<file>` paths and their text, with `crate::` respelled
/// as `module_path::` (`crate::runtime`). Doc examples name the runtime as `apiforge_runtime`;
/// they are compiled as doctests of the crate that carries them, so they name it as that
/// crate's `doctest_path` (`verbit::runtime`), or, when there is none to name (a module file
/// included in someone's crate), they are not compiled.
pub(super) fn files<'a>(
    module_path: &'a str,
    doctest_path: Option<&'a str>,
) -> impl Iterator<Item = (String, String)> + 'a {
    SOURCES.iter().map(move |(name, text)| {
        let path = match *name {
            "lib.rs" => "src/runtime/mod.rs".to_owned(),
            name => format!("src/runtime/{name}"),
        };
        // A checkout may have turned line endings into CRLF; generated files use LF.
        let text = text.replace("\r\n", "\n");
        let text = respell(without_tests(&text), "crate::", &format!("{module_path}::"));
        let text = match doctest_path {
            Some(doctest_path) => {
                respell(&text, "apiforge_runtime::", &format!("{doctest_path}::"))
            }
            None => text.replace("```no_run", "```ignore"),
        };
        (path, text)
    })
}

/// The file up to its `#[cfg(test)] mod tests`, which the runtime always puts last: the tests
/// need the runtime's dev-dependencies, which a generated crate does not have.
fn without_tests(text: &str) -> &str {
    match text.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..=at],
        None => text,
    }
}

/// Replaces each `from` that starts a path (not `pub(crate)`, not `$crate::`, not
/// `my_apiforge_runtime::`) with `to`.
fn respell(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        out.push_str(&rest[..at]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `runtime/src` is vendored: a new runtime file must be listed here.
    #[test]
    fn every_runtime_file_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("runtime/src")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = SOURCES.iter().map(|(name, _)| (*name).to_owned()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn paths_are_rebased_and_tests_dropped() {
        let text = "use crate::a::B;\npub(crate) fn f() {}\n/// [`C`](crate::C)\n$crate::x\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n";
        let out = respell(without_tests(text), "crate::", "crate::runtime::");
        assert_eq!(
            out,
            "use crate::runtime::a::B;\npub(crate) fn f() {}\n/// [`C`](crate::runtime::C)\n$crate::x\n"
        );
    }

    #[test]
    fn doc_examples_name_the_crate_that_carries_them_or_are_not_compiled() {
        let in_crate: String = files("crate::runtime", Some("verbit::runtime"))
            .map(|(_, text)| text)
            .collect();
        assert!(
            !in_crate.contains("apiforge_runtime::"),
            "every example is respelled"
        );
        assert!(in_crate.contains("verbit::runtime::"));
        let in_module: String = files("crate::api::runtime", None)
            .map(|(_, text)| text)
            .collect();
        assert!(!in_module.contains("```no_run") && !in_module.contains("```rust"));
        assert!(in_module.contains("```ignore"));
    }

    #[test]
    fn every_file_with_unit_tests_has_them_last() {
        for (name, text) in SOURCES {
            let kept = without_tests(text);
            assert!(
                !kept.contains("#[cfg(test)]"),
                "{name}: tests that are not last"
            );
        }
    }
}
