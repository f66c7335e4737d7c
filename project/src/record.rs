//! The ownership record: `.apiforge-files.json` in every generated crate lists each file
//! apiforge wrote there with the SHA-256 of its contents, as `cargo vendor`'s
//! `.cargo-checksum.json` does. apiforge writes, replaces and removes only the files listed,
//! notices the ones someone edited, and takes a folder for its own only when it holds a record.

use std::collections::BTreeMap;
use std::path::Path;

use apiforge_generator::GeneratedFile;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// The record's file name, at the crate's root.
pub const RECORD_FILE: &str = ".apiforge-files.json";

/// Which files apiforge owns in a folder, and what they held when it wrote them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// A note for whoever opens the file.
    #[serde(default)]
    pub comment: String,
    /// `/`-separated path relative to the crate root, to `sha256:<hex>` of the contents.
    pub files: BTreeMap<String, String>,
}

impl Record {
    /// The record of exactly these files.
    pub fn of(files: &[GeneratedFile]) -> Record {
        Record {
            comment: "Files apiforge generated here and their hashes: it rewrites and removes only these, and refuses to overwrite one that was edited. Do not edit.".to_owned(),
            // Hashed on all threads: a big API's crate is thousands of files.
            files: files
                .par_iter()
                .map(|file| (file.path.clone(), hash(file.contents.as_bytes())))
                .collect(),
        }
    }

    /// The record as its file holds it.
    pub fn to_file(&self) -> GeneratedFile {
        // Strings and a map of strings: serialising them cannot fail.
        let mut contents = serde_json::to_string_pretty(self).unwrap_or_default();
        contents.push('\n');
        GeneratedFile {
            path: RECORD_FILE.to_owned(),
            contents,
        }
    }

    /// The record in `dir`: `None` when there is none (the folder is not apiforge's).
    pub fn read(dir: &Path) -> Result<Option<Record>, Error> {
        let path = dir.join(RECORD_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(Error::io(&path, &error)),
        };
        let record: Record = serde_json::from_str(&text).map_err(|error| {
            Error::new(format!(
                "error: {}:{}:{}: not an apiforge record: {error}\n  = note: restore it from version control, or move the folder away and generate again",
                path.display(),
                error.line(),
                error.column()
            ))
        })?;
        if let Some(bad) = record.files.keys().find(|file| !is_generated_path(file)) {
            return Err(Error::new(format!(
                "error: {}: lists `{}`, which is not a file apiforge generates (`Cargo.toml`, `README.md`, `src/**/*.rs`)\n  = note: restore the record from version control",
                path.display(),
                bad.escape_default()
            )));
        }
        Ok(Some(record))
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// A path of the kind apiforge generates: `Cargo.toml`, `README.md`, or a Rust file under
/// `src/` (no `..`, no root, no empty segment). A record, which anyone can edit, must never
/// make apiforge touch anything else: not `.git/`, `Cargo.lock`, `tests/`, nor a file outside
/// the crate.
fn is_generated_path(path: &str) -> bool {
    let plain_segments = path.split('/').all(|segment| {
        !segment.is_empty() && segment != "." && segment != ".." && !segment.contains(['\\', ':'])
    });
    plain_segments
        && (path == "Cargo.toml"
            || path == "README.md"
            || (path.starts_with("src/") && path.ends_with(".rs")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_name_only_files_apiforge_generates() {
        let bad = [
            "../x",
            "/etc/passwd",
            "src//a.rs",
            "src/./a.rs",
            "src/../Cargo.lock",
            "C:\\x",
            "src\\..\\a.rs",
            "",
            ".git/HEAD",
            "Cargo.lock",
            "tests/login.rs",
            "src/notes.md",
            ".apiforge-files.json",
        ];
        for path in bad {
            assert!(!is_generated_path(path), "{path}");
        }
        for path in ["Cargo.toml", "README.md", "src/lib.rs", "src/types/pet.rs"] {
            assert!(is_generated_path(path), "{path}");
        }
    }

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(
            hash(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
