//! Rules of the repository that no compiler checks, read from the files themselves (as
//! rust-analyzer's `tidy.rs` does): every dependency is used, generator files stay small
//! enough to hold in one's head, only emit makes tokens, and every source file says what it is
//! for. Plain file reading, no cargo: this runs with the generator's tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Dependencies that no source file names, each with the reason it is still needed.
const USED_WITHOUT_NAMING: &[(&str, &str, &str)] = &[
    (
        "examples/build-script",
        "apiforge-runtime",
        "the client that build.rs generates into OUT_DIR, and src/lib.rs includes, calls it",
    ),
    (
        "examples/build-script",
        "serde",
        "the client that build.rs generates into OUT_DIR, and src/lib.rs includes, derives with it",
    ),
    (
        "examples/build-script",
        "uuid",
        "the Yat API's types, generated into OUT_DIR, hold UUIDs",
    ),
];

/// Most lines a file of `generator/src/lower/` may have: lowering grows with every feature, so
/// each of its files keeps to one concern.
const LOWER_MAX_LINES: usize = 650;

/// Most lines any other file of `generator/src` may have.
const GENERATOR_MAX_LINES: usize = 1_100;

#[test]
fn every_dependency_is_used() {
    let root = workspace_root();
    let manifest = read(&root.join("Cargo.toml"));
    let mut failures = String::new();
    let mut members = Vec::new();
    for member in list(&manifest, "workspace", "members") {
        match member.strip_suffix("/*") {
            Some(parent) => members.extend(subfolders(&root.join(parent))),
            None => members.push(root.join(member)),
        }
    }
    if manifest.lines().any(|line| line.trim() == "[package]") {
        members.push(root.clone());
    }
    let mut from_workspace = BTreeSet::new();
    for member in &members {
        let manifest_path = member.join("Cargo.toml");
        let crate_dir = relative(&root, member);
        let sources = crate_sources(member);
        for (name, workspace) in dependencies(&read(&manifest_path), false) {
            if workspace {
                from_workspace.insert(name.clone());
            }
            let excused = USED_WITHOUT_NAMING
                .iter()
                .any(|&(krate, dependency, _)| krate == crate_dir && dependency == name);
            if !excused && !sources.iter().any(|code| names_crate(code, &name)) {
                let _ = writeln!(
                    failures,
                    "{}: `{name}` is a dependency, and no source file of the crate uses it",
                    relative(&root, &manifest_path),
                );
            }
        }
    }
    for (crate_dir, name, reason) in USED_WITHOUT_NAMING {
        let manifest = read(&root.join(crate_dir).join("Cargo.toml"));
        let sources = crate_sources(&root.join(crate_dir));
        if !dependencies(&manifest, false).contains_key(*name)
            || sources.iter().any(|code| names_crate(code, name))
        {
            let _ = writeln!(
                failures,
                "{crate_dir}/Cargo.toml: `{name}` is excused in the tidy test ({reason}), and is not a dependency or is named in the sources"
            );
        }
    }
    for name in dependencies(&manifest, true).into_keys() {
        if !from_workspace.contains(&name) {
            let _ = writeln!(
                failures,
                "Cargo.toml: `{name}` is a workspace dependency, and no member takes it"
            );
        }
    }
    assert!(failures.is_empty(), "unused dependencies:\n{failures}");
}

#[test]
fn generator_files_stay_small() {
    let root = workspace_root();
    let lower = root.join("generator/src/lower");
    let mut failures = String::new();
    for file in rust_files(&root.join("generator/src")) {
        let limit = if file.starts_with(&lower) {
            LOWER_MAX_LINES
        } else {
            GENERATOR_MAX_LINES
        };
        let lines = read(&file).lines().count();
        if lines > limit {
            let _ = writeln!(
                failures,
                "{}: {lines} lines, more than {limit}; split it by concern",
                relative(&root, &file)
            );
        }
    }
    assert!(failures.is_empty(), "files over their size:\n{failures}");
}

#[test]
fn only_emit_makes_tokens() {
    let root = workspace_root();
    let emit = root.join("generator/src/emit");
    // Generated crates are emit's output.
    let generated = root.join("generated");
    // Spelled in pieces, so that this file does not find itself.
    let token_makers = [
        concat!("quo", "te!"),
        concat!("quo", "te::"),
        concat!("format_", "ident!"),
    ];
    let mut failures = String::new();
    for file in rust_files(&root) {
        if file.starts_with(&emit) || file.starts_with(&generated) {
            continue;
        }
        // Comments may name the macros; only code counts.
        let code = blank(&read(&file), false);
        for maker in token_makers {
            if code.contains(maker) {
                let _ = writeln!(
                    failures,
                    "{}: `{maker}` outside generator/src/emit; lowering decides, emit writes tokens",
                    relative(&root, &file)
                );
            }
        }
    }
    assert!(failures.is_empty(), "tokens made outside emit:\n{failures}");
}

#[test]
fn source_files_say_what_they_are_for() {
    let root = workspace_root();
    let mut failures = String::new();
    for folder in ["generator/src", "project/src", "cli/src", "runtime/src"] {
        for file in rust_files(&root.join(folder)) {
            if !read(&file).starts_with("//!") {
                let _ = writeln!(
                    failures,
                    "{}: no `//!` module doc on the first line",
                    relative(&root, &file)
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "files without a module doc:\n{failures}"
    );
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator sits in the workspace")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    folders.sort();
    folders
}

/// Every `.rs` file under `dir`, leaving out build output and hidden folders, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, &mut |path| files.push(path.to_path_buf()), &|_| true);
    files.sort();
    files
}

/// The text of every `.rs` file of the crate in `dir`, leaving out packages nested inside it,
/// with string literals and plain comments blanked (doc comments stay: doc tests are code).
fn crate_sources(dir: &Path) -> Vec<String> {
    let mut sources = Vec::new();
    walk(
        dir,
        &mut |path| sources.push(blank(&read(path), true)),
        &|folder| folder == dir || !folder.join("Cargo.toml").is_file(),
    );
    sources
}

fn walk(dir: &Path, visit: &mut dyn FnMut(&Path), enter: &dyn Fn(&Path) -> bool) {
    if !enter(dir) {
        return;
    }
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !(name.starts_with('.') || name == "target") {
                walk(&path, visit, enter);
            }
        } else if name.ends_with(".rs") {
            visit(&path);
        }
    }
}

/// One `key = value` of a manifest, under the header of its table (empty before the first).
struct Entry {
    table: String,
    key: String,
    value: String,
}

/// The entries of a manifest, a value that goes on over several lines (an array, an inline
/// table) joined into one, comments left out.
fn entries(manifest: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut table = String::new();
    // Brackets and braces still open in the last entry's value.
    let mut open = 0usize;
    for line in manifest.lines() {
        let line = strip_comment(line).trim();
        if open > 0 {
            if let Some(last) = entries.last_mut() {
                last.value.push(' ');
                last.value.push_str(line);
            }
        } else if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = header.trim_matches(['[', ']', ' ']).to_owned();
            continue;
        } else if let Some((key, value)) = line.split_once('=') {
            entries.push(Entry {
                table: table.clone(),
                key: key.trim().to_owned(),
                value: value.trim().to_owned(),
            });
        }
        for c in line.chars() {
            match c {
                '[' | '{' => open += 1,
                ']' | '}' => open = open.saturating_sub(1),
                _ => {}
            }
        }
    }
    entries
}

/// A manifest line without its `#` comment (a `#` inside a string is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The strings of the array `key = [...]` at the top of table `table`.
fn list(manifest: &str, table: &str, key: &str) -> Vec<String> {
    let entry = entries(manifest)
        .into_iter()
        .find(|entry| entry.table == table && entry.key == key)
        .unwrap_or_else(|| panic!("Cargo.toml has no `{key}` in [{table}]"));
    entry
        .value
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Whether a table header names a dependency table: `dependencies`, `dev-dependencies`,
/// `build-dependencies`, and their `target.'cfg(...)'.` forms.
fn is_dependency_table(header: &str) -> bool {
    matches!(
        header.rsplit('.').next(),
        Some("dependencies" | "dev-dependencies" | "build-dependencies")
    )
}

/// The dependencies `manifest` declares (`workspace.dependencies` being the table of
/// `workspace`): each by the name code spells it with (a renamed package's key, not its
/// `package`), and whether it is taken from the workspace.
fn dependencies(manifest: &str, of_workspace: bool) -> BTreeMap<String, bool> {
    let mut found = BTreeMap::new();
    for entry in entries(manifest) {
        let value = entry.value.replace(' ', "");
        if of_workspace != (entry.table == "workspace.dependencies") {
            continue;
        }
        if is_dependency_table(&entry.table) {
            // `name = ...`, `name = { workspace = true }` or `name.workspace = true`.
            let (name, dotted) = entry.key.split_once('.').unwrap_or((&entry.key, ""));
            let workspace =
                (dotted == "workspace" && value == "true") || value.contains("workspace=true");
            *found.entry(unquote(name).to_owned()).or_default() |= workspace;
        } else if let Some((table, name)) = entry.table.rsplit_once('.') {
            // `[dependencies.name]`, one key a line.
            if is_dependency_table(table) {
                let workspace = entry.key == "workspace" && value == "true";
                *found.entry(unquote(name).to_owned()).or_default() |= workspace;
            }
        }
    }
    found
}

fn unquote(text: &str) -> &str {
    text.trim().trim_matches(['"', '\''])
}

/// Whether Rust `code` uses the crate `package` (`-` read as `_`): `name::` (in any path,
/// `#[derive(...)]`s included), `::name::`, `use name` or `extern crate name`. A `name::`
/// after another path segment (`crate::name::`) is a module, not the crate.
fn names_crate(code: &str, package: &str) -> bool {
    let name = package.replace('-', "_");
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    code.match_indices(&name).any(|(start, _)| {
        let before = &code[..start];
        let after = &code[start + name.len()..];
        if before.ends_with(is_ident) || after.starts_with(is_ident) {
            return false;
        }
        let as_path = after.starts_with("::")
            && before
                .strip_suffix("::")
                .is_none_or(|outer| !outer.ends_with(|c| is_ident(c) || c == '>'));
        as_path || before.ends_with("use ") || before.ends_with("extern crate ")
    })
}

/// `code` with comments and the contents of literals made spaces (line breaks kept), so that
/// only code is searched. Doc comments stay when `keep_docs` (doc tests are code), and so do
/// strings in attributes (`#[serde(with = "chrono::serde::ts_seconds")]` names a crate).
fn blank(code: &str, keep_docs: bool) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let starts = |s: &str| rest.iter().take(s.chars().count()).copied().eq(s.chars());
        let (end, keep) = if starts("//") {
            let end = rest
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |n| i + n);
            let doc = (starts("///") && !starts("////")) || starts("//!");
            (end, doc && keep_docs)
        } else if starts("/*") {
            let doc = (starts("/**") && !starts("/**/")) || starts("/*!");
            (block_comment_end(&chars, i), doc && keep_docs)
        } else if let Some(end) = raw_string_end(&chars, i).or_else(|| string_end(&chars, i)) {
            let line_start = out.rfind('\n').map_or(0, |n| n + 1);
            (end, out[line_start..].trim_start().starts_with('#'))
        } else if let Some(end) = char_end(&chars, i) {
            (end, false)
        } else {
            (i + 1, true)
        };
        for &c in &chars[i..end] {
            out.push(if keep || c == '\n' { c } else { ' ' });
        }
        i = end;
    }
    out
}

/// Where the (possibly nested) block comment starting at `i` ends.
fn block_comment_end(chars: &[char], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j < chars.len() {
        if chars[j..].starts_with(&['/', '*']) {
            depth += 1;
            j += 2;
        } else if chars[j..].starts_with(&['*', '/']) {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    chars.len()
}

/// Where the string literal starting at `i` (`"..."`, with escapes) ends.
fn string_end(chars: &[char], i: usize) -> Option<usize> {
    if chars[i] != '"' {
        return None;
    }
    let mut j = i + 1;
    while j < chars.len() && chars[j] != '"' {
        j += if chars[j] == '\\' { 2 } else { 1 };
    }
    Some((j + 1).min(chars.len()))
}

/// Where the raw string literal starting at `i` (`r"..."`, `br#"..."#`, `cr##"..."##`) ends.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i + usize::from(matches!(chars[i], 'b' | 'c'));
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    let closing: Vec<char> = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    let end = (j + 1..chars.len()).find(|&k| chars[k..].starts_with(&closing));
    Some(end.map_or(chars.len(), |k| k + closing.len()))
}

/// Where the character literal starting at `i` ends; `None` for a lifetime (`'a`), which has
/// no closing quote.
fn char_end(chars: &[char], i: usize) -> Option<usize> {
    if chars[i] != '\'' {
        return None;
    }
    if chars.get(i + 1) == Some(&'\\') {
        (i + 2..chars.len())
            .find(|&j| chars[j] == '\'')
            .map(|j| j + 1)
    } else {
        (chars.get(i + 2) == Some(&'\'')).then_some(i + 3)
    }
}

#[test]
fn the_readers_find_dependencies_and_their_uses() {
    let manifest = r#"
[package]
name = "sample"

[dependencies]
heck.workspace = true
renamed = { package = "real-name", version = "1" } # a comment = 2
multi = { version = "1", features = [
    "a = b",
] }

[dependencies.tabled]
workspace = true

[target.'cfg(unix)'.dev-dependencies]
libc = "0.2"

[features]
default = []
"#;
    let found: Vec<(String, bool)> = dependencies(manifest, false).into_iter().collect();
    let expected = [
        ("heck", true),
        ("libc", false),
        ("multi", false),
        ("renamed", false),
        ("tabled", true),
    ];
    assert_eq!(found, expected.map(|(name, w)| (name.to_owned(), w)));
    assert!(dependencies(manifest, true).is_empty());

    let uses = [
        ("use heck::ToSnakeCase;", "heck"),
        ("#[derive(serde::Serialize)]", "serde"),
        ("fn f() -> ::serde_json::Value {}", "serde_json"),
        ("extern crate libc;", "libc"),
        ("use yaml_rust2;", "yaml-rust2"),
        ("/// tokio::spawn(f);", "tokio"),
        ("#[serde(with = \"chrono::serde\")]", "chrono"),
        ("fn f<'a>(s: &'a str) -> char { '\"' } uuid::Uuid", "uuid"),
    ];
    for (code, package) in uses {
        assert!(names_crate(&blank(code, true), package), "{code}");
    }
    let not_uses = [
        ("let heckle = heck_ish::f();", "heck"),
        ("crate::http::get()", "http"),
        ("let s = \"serde::x\"; // tokio::spawn", "serde"),
        ("let s = \"serde::x\"; // tokio::spawn", "tokio"),
        ("let s = r#\"a \" uuid::x\"#;", "uuid"),
        ("/* libc::getpid() */", "libc"),
    ];
    for (code, package) in not_uses {
        assert!(!names_crate(&blank(code, true), package), "{code}");
    }
    assert!(!blank("/// quote!{}", false).contains("quote"));
}
