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
    ("header.rs", include_str!("../../../runtime/src/header.rs")),
    ("lib.rs", include_str!("../../../runtime/src/lib.rs")),
    (
        "middleware.rs",
        include_str!("../../../runtime/src/middleware.rs"),
    ),
    ("redact.rs", include_str!("../../../runtime/src/redact.rs")),
    (
        "request.rs",
        include_str!("../../../runtime/src/request.rs"),
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
/// as `module_path::` (`crate::runtime`).
pub(super) fn files(module_path: &str) -> impl Iterator<Item = (String, String)> + '_ {
    SOURCES.iter().map(move |(name, text)| {
        let path = match *name {
            "lib.rs" => "src/runtime/mod.rs".to_owned(),
            name => format!("src/runtime/{name}"),
        };
        (path, rebase(without_tests(text), module_path))
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

/// Replaces each `crate::` that starts a path (not `pub(crate)`, not `$crate::`) with
/// `module_path::`.
fn rebase(text: &str, module_path: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        out.push_str(&rest[..at]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            out.push_str("crate::");
        } else {
            out.push_str(module_path);
            out.push_str("::");
        }
        rest = &rest[at + "crate::".len()..];
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
        let out = rebase(without_tests(text), "crate::runtime");
        assert_eq!(
            out,
            "use crate::runtime::a::B;\npub(crate) fn f() {}\n/// [`C`](crate::runtime::C)\n$crate::x\n"
        );
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
