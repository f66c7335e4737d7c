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
pub use settings::{
    Layout, Manifest, RUNTIME_REQUIREMENT, Runtime, Selection, Settings, UnknownProperties,
};

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
///
/// A document with errors gives every one of them, with the warnings, sorted by place
/// ([`diagnostic::sort_by_place`]): loading reads what it can of a document past its errors,
/// and lowering looks for the errors of the rest.
pub fn generate_with(
    file: &str,
    contents: &[u8],
    settings: &Settings,
    sources: &dyn Sources,
) -> Result<Generated, Diagnostics> {
    let read = load::read(file, contents, sources);
    let mut diagnostics = read.diagnostics;
    let load_failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    // Dropped beside the placing of the warnings below: a big spec's typed document is
    // millions of small allocations, a few percent of generation freed on one thread.
    let mut lowered_document = None;
    let api = match read.document {
        Some(document) if read.lowerable => {
            let lowered = lower::lower(file, &document, settings);
            lowered_document = Some(document);
            let (api, found) = match lowered {
                Ok((api, warnings)) => (Some(api), warnings),
                Err(errors) => (None, errors.0),
            };
            // Past load errors, what lowering says inside a piece left out is about the
            // placeholder, and a setting may name what was left out.
            diagnostics.extend(found.into_iter().filter(|d| {
                !load_failed
                    || (d.setting.is_none()
                        && !d
                            .pointer
                            .as_deref()
                            .is_some_and(|p| read.removed.iter().any(|removed| within(p, removed))))
            }));
            api
        }
        _ => None,
    };
    // The warnings are placed in the document's text while the files are emitted: placing
    // reads only the text, and emitting only the IR.
    let place_warnings = |diagnostics: &mut Vec<Diagnostic>| {
        drop(lowered_document);
        position::annotate(file, contents, diagnostics);
        diagnostic::sort_by_place(diagnostics, file);
    };
    let api = match api {
        Some(api) if !diagnostics.iter().any(|d| d.severity == Severity::Error) => api,
        _ => {
            place_warnings(&mut diagnostics);
            return Err(Diagnostics(diagnostics));
        }
    };
    let (files, ()) = rayon::join(|| emit::emit(&api), || place_warnings(&mut diagnostics));
    let files = files.map_err(|message| Diagnostic::error(file, None, message))?;
    Ok(Generated {
        files,
        warnings: diagnostics,
        operations: api.operations().count(),
    })
}

/// Whether `pointer` is `piece` or inside it.
fn within(pointer: &str, piece: &Pointer) -> bool {
    crate::pointer::is_within(pointer, &piece.to_string())
}
