//! apiforge's generator: an OpenAPI document in, the files of a typed Rust client crate out.
//!
//! Three stages, data flowing one way (see `ARCHITECTURE.md`):
//!
//! 1. [`load`]: bytes to the canonical `openapiv3::OpenAPI` model.
//! 2. [`lower`]: that model to the [`ir`], where every decision is made.
//! 3. [`emit`]: the IR to formatted files.
//!
//! The generator does no I/O: [`generate`] takes the document's bytes and returns the files.

pub mod diagnostic;
pub mod emit;
pub mod examples;
pub mod ir;
pub mod load;
pub mod lower;
mod media;
pub mod naming;
pub mod pointer;
pub mod position;
mod settings;

pub use diagnostic::{Diagnostic, Diagnostics, Setting, Severity};
pub use emit::GeneratedFile;
pub use pointer::Pointer;
pub use settings::{Layout, Manifest, RUNTIME_REQUIREMENT, Runtime, Selection, Settings};

/// A generated crate and the warnings met on the way.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Every file of the crate, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Constructs that were ignored or given a fallback.
    pub warnings: Vec<Diagnostic>,
    /// How many operations the crate has, for reports.
    pub operations: usize,
}

/// Reads the files a document's relative `$ref`s name; the generator itself does no I/O.
pub trait Sources {
    /// The bytes of `path`, which is relative to wherever the caller resolves the document's
    /// own name from (`specs/pets.yaml` refers to `./common.yaml` as `specs/common.yaml`).
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// For single-file documents: every read is refused.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSources;

impl Sources for NoSources {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        Err(format!(
            "`{path}` is another file, and this caller reads only one"
        ))
    }
}

/// Generates the crate for the single-file document `contents`, named `file` in diagnostics.
pub fn generate(
    file: &str,
    contents: &[u8],
    settings: &Settings,
) -> Result<Generated, Diagnostics> {
    generate_with(file, contents, settings, &NoSources)
}

/// Like [`generate`], reading the files that relative `$ref`s name through `sources`.
pub fn generate_with(
    file: &str,
    contents: &[u8],
    settings: &Settings,
    sources: &dyn Sources,
) -> Result<Generated, Diagnostics> {
    let text = String::from_utf8_lossy(contents);
    let placed = |mut diagnostics: Diagnostics| {
        position::annotate(file, &text, &mut diagnostics.0);
        diagnostics
    };
    let loaded = load::load_with(file, contents, sources).map_err(placed)?;
    let (api, lowering_warnings) =
        lower::lower(file, &loaded.document, settings).map_err(placed)?;
    let mut warnings = loaded.warnings;
    warnings.extend(lowering_warnings);
    position::annotate(file, &text, &mut warnings);
    let files = emit::emit(&api).map_err(|message| Diagnostic::error(file, None, message))?;
    Ok(Generated {
        files,
        warnings,
        operations: api.operations().count(),
    })
}
