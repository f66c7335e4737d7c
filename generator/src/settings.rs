//! What the caller decides about a generated crate: its identity, its manifest, where it finds
//! the runtime, which operations it has, and how its types are spelled.
//!
//! Lowering turns these into IR decisions (names, paths, derives, the operations kept);
//! emitting writes them out. Front ends (the `apiforge` command, `cargo xtask`, `build.rs`)
//! fill them in from `apiforge.toml` or from their arguments.

use std::collections::BTreeMap;

/// The version requirement on `apiforge-runtime` that generated crates carry by default: the
/// runtime release this generator emits code for.
pub const RUNTIME_REQUIREMENT: &str = "0.1";

/// Everything about a crate that is not in its document.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The package name (`pet-store`); code spells the crate by its library name,
    /// [`naming::lib_name`](crate::naming::lib_name) (`pet_store`).
    pub crate_name: String,
    /// The package version.
    pub crate_version: String,
    /// The document as generated files name it: a path relative to the configuration file, or
    /// the file's name. Never a path that depends on the working directory.
    pub source: String,
    /// The command that regenerates the crate, as its preambles tell the reader.
    pub regenerate_command: String,
    /// The `[package]` fields a published crate wants.
    pub manifest: Manifest,
    /// How the crate depends on the runtime.
    pub runtime: Runtime,
    /// A crate of its own, or one module file for `include!`.
    pub layout: Layout,
    /// Which operations the crate has.
    pub operations: Selection,
    /// Component schema name to an existing Rust type used instead of generating one
    /// (`Money` to `::rust_decimal::Decimal`). The type must implement `Debug`, `Clone`,
    /// `Serialize` and `Deserialize`; types holding it derive `PartialEq` only if
    /// `extra_derives` asks for it. The crate it comes from is the user's to add. In a
    /// [`Layout::Module`] file, `crate::` paths are read from the generated module's root, like
    /// the generated code's own.
    pub type_replacements: BTreeMap<String, String>,
    /// Derives added to every generated struct and enum (`PartialEq`, `Hash`, paths allowed).
    pub extra_derives: Vec<String>,
    /// Pagination per operation (by `operationId`), winning over the document's extensions:
    /// what `x-apiforge-pagination` would say there (`false`, `true`, or the declaration).
    pub pagination: BTreeMap<String, serde_json::Value>,
    /// What a struct does with the properties of an object that its schema does not declare,
    /// when the schema does not say `additionalProperties` at all.
    pub unknown_properties: UnknownProperties,
}

impl Settings {
    /// Settings for a crate named `crate_name`: version 0.1.0, the runtime by version
    /// requirement, every operation, a standalone crate.
    pub fn new(crate_name: impl Into<String>) -> Self {
        let crate_name = crate_name.into();
        Settings {
            source: format!("{crate_name}.yaml"),
            crate_name,
            crate_version: "0.1.0".to_owned(),
            regenerate_command: "apiforge generate".to_owned(),
            manifest: Manifest::default(),
            runtime: Runtime::Version(RUNTIME_REQUIREMENT.to_owned()),
            layout: Layout::Crate { standalone: true },
            operations: Selection::default(),
            type_replacements: BTreeMap::new(),
            extra_derives: Vec::new(),
            pagination: BTreeMap::new(),
            unknown_properties: UnknownProperties::Keep,
        }
    }
}

/// What a generated struct does with an object's properties that its schema does not declare,
/// when the schema says nothing of `additionalProperties` (JSON Schema then allows any). A
/// typed `additionalProperties` is always a typed map, and `false` always drops them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownProperties {
    /// Kept in a flattened map field, so that encoding a decoded value loses nothing.
    #[default]
    Keep,
    /// Dropped when decoding, as serde does by default: structs have only their declared
    /// fields.
    Drop,
}

impl UnknownProperties {
    /// Every choice, in the order messages list them.
    pub const ALL: [UnknownProperties; 2] = [UnknownProperties::Keep, UnknownProperties::Drop];

    /// The spelling configuration files and command lines use.
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownProperties::Keep => "keep",
            UnknownProperties::Drop => "drop",
        }
    }

    /// The choice spelled `text`; the error lists the valid spellings.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|choice| choice.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<String> = Self::ALL
                    .iter()
                    .map(|choice| format!("`{}`", choice.as_str()))
                    .collect();
                format!(
                    "unknown choice `{text}`, expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Optional `[package]` fields; absent ones are left out (the description has a default).
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// `description`; by default "A typed client for the *title* (version *version*),
    /// generated by apiforge", from the document's `info`.
    pub description: Option<String>,
    /// `license`, an SPDX expression.
    pub license: Option<String>,
    /// `repository`.
    pub repository: Option<String>,
    /// `homepage`.
    pub homepage: Option<String>,
    /// `documentation`.
    pub documentation: Option<String>,
    /// `authors`.
    pub authors: Vec<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
    /// Writes `publish = false`: the crate must never be uploaded by mistake.
    pub publish_false: bool,
}

/// How a generated crate reaches `apiforge-runtime`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// A version requirement on the crates.io package (`"0.1"`).
    Version(String),
    /// A path to the runtime's folder, relative to the generated crate (never absolute, so
    /// the crate builds wherever the two are checked out together).
    Path(String),
    /// A git repository holding apiforge, at a revision.
    Git {
        /// The repository's URL.
        url: String,
        /// A commit, tag or branch.
        rev: String,
    },
    /// The runtime's source copied into the crate as its `runtime` module: the crate needs no
    /// apiforge package at all.
    Inline,
}

/// What is written: a crate, or a single module file for a `build.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A crate: `Cargo.toml`, `README.md`, `src/`.
    Crate {
        /// Adds an empty `[workspace]` table, so the crate builds on its own wherever it is
        /// (off for crates that are members of a workspace).
        standalone: bool,
    },
    /// One Rust file holding the whole client as nested modules, for
    /// `include!(concat!(env!("OUT_DIR"), "/<file>"))`. No manifest, README or cargo features:
    /// every operation is compiled, and blocking calls are left out.
    Module {
        /// The Rust path of the module the file is included in: `crate` when it is included at
        /// the crate root, `crate::petstore` inside `mod petstore { ... }`.
        root_path: String,
    },
}

/// Which operations to generate. An operation is kept when an include list names it (by one of
/// its tags or its `operationId`), or both include lists are empty; and no exclude list names
/// it.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Tags whose operations are kept.
    pub include_tags: Vec<String>,
    /// Tags whose operations are left out.
    pub exclude_tags: Vec<String>,
    /// `operationId`s kept.
    pub include_operations: Vec<String>,
    /// `operationId`s left out.
    pub exclude_operations: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generated crates ask for the runtime this workspace builds, so a `[patch]` or a path
    /// dependency satisfies the requirement, and so will the published runtime.
    #[test]
    fn the_runtime_requirement_matches_the_runtime_version() {
        let manifest = include_str!("../../runtime/Cargo.toml");
        let version = manifest
            .lines()
            .find_map(|line| line.strip_prefix("version = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .expect("runtime/Cargo.toml has a version");
        let mut parts = version.split('.');
        let major_minor = format!(
            "{}.{}",
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default()
        );
        assert_eq!(
            RUNTIME_REQUIREMENT, major_minor,
            "runtime version {version}"
        );
    }
}
