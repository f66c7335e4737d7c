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
    generate_into(file, contents, settings, sources, &|_| Ok(()))
}

/// Takes each file of a crate as soon as it is made, on whichever thread made it; an error
/// stops generation.
pub type FileSink<'a> = &'a (dyn Fn(&GeneratedFile) -> Result<(), String> + Sync);

/// Like [`generate_with`], handing each file to `sink` as soon as it is made, in no
/// particular order, while the rest are still being made: a caller writing a new folder
/// writes a big API's thousands of files beside the work rather than after it. The files
/// still come back in [`Generated`].
///
/// `sink` sees files only of a document without errors. An error it returns stops
/// generation, and comes back as an error with its message.
pub fn generate_into(
    file: &str,
    contents: &[u8],
    settings: &Settings,
    sources: &dyn Sources,
    sink: FileSink<'_>,
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
    let (files, ()) = rayon::join(
        || emit::emit_into(&api, sink),
        || place_warnings(&mut diagnostics),
    );
    let files = files.map_err(|message| Diagnostic::error(file, None, message))?;
    let operations = api.operations().count();
    // A big API's IR is hundreds of thousands of small allocations: freed on a worker, the
    // caller writes the crate's last files meanwhile (10 ms on GitHub's spec).
    rayon::spawn(move || drop(api));
    Ok(Generated {
        files,
        warnings: diagnostics,
        operations,
    })
}

/// Whether `pointer` is `piece` or inside it.
fn within(pointer: &str, piece: &Pointer) -> bool {
    crate::pointer::is_within(pointer, &piece.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      tags: [pets]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\ncomponents:\n  schemas:\n    Pet: {type: object, properties: {name: {type: string}}}\n";

    #[test]
    fn the_sink_is_handed_every_file_once_and_can_stop_generation() {
        let settings = Settings::new("pets");
        let handed = Mutex::new(Vec::new());
        let generated = generate_into(
            "pets.yaml",
            DOCUMENT.as_bytes(),
            &settings,
            &NoSources,
            &|file| {
                handed.lock().expect("lock").push(file.clone());
                Ok(())
            },
        )
        .expect("generates");
        let mut handed = handed.into_inner().expect("lock");
        handed.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(
            handed
                .iter()
                .map(|f| (&f.path, &f.contents))
                .collect::<Vec<_>>(),
            generated
                .files
                .iter()
                .map(|f| (&f.path, &f.contents))
                .collect::<Vec<_>>()
        );
        assert!(handed.iter().any(|f| f.path == "src/types/pet.rs"));
        assert!(handed.iter().any(|f| f.path == "Cargo.toml"));

        let stopped = generate_into(
            "pets.yaml",
            DOCUMENT.as_bytes(),
            &settings,
            &NoSources,
            &|file| {
                if file.path == "src/types/pet.rs" {
                    Err("disk full".to_owned())
                } else {
                    Ok(())
                }
            },
        )
        .expect_err("the sink's error stops generation");
        assert!(
            stopped.0.iter().any(|d| d.message == "disk full"),
            "{stopped:?}"
        );

        let broken = DOCUMENT.replace("schemas/Pet'", "schemas/Missing'");
        let handed_any = Mutex::new(false);
        let failed = generate_into(
            "pets.yaml",
            broken.as_bytes(),
            &settings,
            &NoSources,
            &|_| {
                *handed_any.lock().expect("lock") = true;
                Ok(())
            },
        );
        assert!(failed.is_err(), "a `$ref` to nothing");
        assert!(
            !handed_any.into_inner().expect("lock"),
            "a document with errors hands over no file"
        );
    }
}
