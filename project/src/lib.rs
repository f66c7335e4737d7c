//! apiforge in a project: everything between the generator and the file system, shared by the
//! `apiforge` command, `cargo xtask gen` and `build.rs` scripts.
//!
//! - [`config`] finds and reads `apiforge.toml`.
//! - [`generate_api`] reads an API's document (and the files its `$ref`s name) and generates
//!   its crate.
//! - [`write`](mod@write) puts a crate into its folder, touching only the files the folder's
//!   [`record`] says apiforge wrote, or checks the folder for freshness.
//! - [`build`] is the `build.rs` entry point: one module file in `OUT_DIR`.
//! - [`generate_all`] and [`check_all`] do the above for every API of a configuration.

pub mod build;
pub mod config;
pub mod names;
mod paths;
pub mod record;
pub mod write;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use apiforge_generator::{Diagnostic, FileSink, Generated, Setting, Sources};

pub use config::{ApiConfig, CONFIG_FILE, Config, SingleOptions};
pub use write::{Stale, Written};

/// A failure, rendered for a terminal: `error: ...` with the file and place where known.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with this rendered text.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }

    pub(crate) fn io(path: &Path, error: &std::io::Error) -> Self {
        Error::new(format!("error: {}: {error}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A generated crate and every file its document was read from.
#[derive(Clone, Debug)]
pub struct Output {
    /// The generator's result.
    pub generated: Generated,
    /// The document and each file its `$ref`s read, for `cargo:rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
}

/// Reads the document `base/spec` and the files its relative `$ref`s name, and generates with
/// `settings`. Messages name the document `spec`, and its references are resolved against
/// `spec`'s folder (`specs/common.yaml` for `./common.yaml` in `specs/pets.yaml`), so every
/// file is read from `base`.
///
/// A `$ref` may read only files inside `ref_roots` (the document's own folder when empty),
/// after following symbolic links: a document from elsewhere must not pull a file of the
/// machine into the crate it generates, nor into an error message.
pub fn generate_api(
    base: &Path,
    spec: &str,
    settings: &apiforge_generator::Settings,
    ref_roots: &[PathBuf],
) -> Result<Output, Error> {
    generate_located(base, spec, settings, ref_roots, &BTreeMap::new(), &|_| {
        Ok(())
    })
}

/// [`generate_api`], with errors in a setting shown where the configuration sets it, and each
/// file handed to `sink` as it is made.
fn generate_located(
    base: &Path,
    spec: &str,
    settings: &apiforge_generator::Settings,
    ref_roots: &[PathBuf],
    setting_places: &BTreeMap<Setting, String>,
    sink: FileSink<'_>,
) -> Result<Output, Error> {
    let path = base.join(spec);
    let contents =
        std::fs::read(&path).map_err(|e| Error::new(format!("error: cannot read {spec}: {e}")))?;
    let roots = if ref_roots.is_empty() {
        vec![path.parent().map(Path::to_path_buf).unwrap_or_default()]
    } else {
        ref_roots.to_vec()
    };
    let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), &e))?;
    let sources = Files {
        base: base.to_path_buf(),
        named_roots: roots
            .iter()
            .map(|root| paths::normalize(&cwd.join(root)))
            .collect(),
        cwd,
        // Compared after following links, so a link inside a root cannot lead out of it.
        roots: roots
            .iter()
            .map(|root| {
                let root = if root.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    root
                };
                root.canonicalize().map_err(|e| Error::io(root, &e))
            })
            .collect::<Result<_, _>>()?,
        read: RefCell::new(Vec::new()),
    };
    let generated = apiforge_generator::generate_into(spec, &contents, settings, &sources, sink)
        .map_err(|diagnostics| {
            // Every error (up to the generator's cap) and warning in order of place, as a
            // compiler prints them, and a closing count.
            let mut rendered: Vec<String> = diagnostics
                .shown()
                .iter()
                .map(
                    |diagnostic| match diagnostic.setting.and_then(|s| setting_places.get(&s)) {
                        Some(place) => format!(
                            "error: {}\n  --> {place}\n  = note: checked against {spec}",
                            diagnostic.message
                        ),
                        None => diagnostic.to_string(),
                    },
                )
                .collect();
            rendered.extend(diagnostics.omitted());
            rendered.push(format!(
                "error: could not generate from {spec}: {}",
                diagnostics.summary()
            ));
            Error::new(rendered.join("\n"))
        })?;
    let mut inputs = vec![path];
    inputs.extend(sources.read.into_inner());
    Ok(Output { generated, inputs })
}

/// Reads the files a document's `$ref`s name, relative to `base` and only inside `roots`,
/// and remembers which.
struct Files {
    base: PathBuf,
    /// The roots with links followed, which every file read must be inside.
    roots: Vec<PathBuf>,
    /// The roots as named (absolute, not following links), for the check by name.
    named_roots: Vec<PathBuf>,
    cwd: PathBuf,
    read: RefCell<Vec<PathBuf>>,
}

impl Sources for Files {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let full = self.base.join(path);
        // What is outside a root by its name alone is refused before the file system is
        // asked, so the answer does not tell whether such a file exists.
        let named = paths::normalize(&self.cwd.join(&full));
        let inside = |roots: &[PathBuf]| roots.iter().any(|root| named.starts_with(root));
        if !inside(&self.roots) && !inside(&self.named_roots) {
            return Err(self.refusal());
        }
        let real = full.canonicalize().map_err(|e| e.to_string())?;
        if !self.roots.iter().any(|root| real.starts_with(root)) {
            return Err(self.refusal());
        }
        let bytes = std::fs::read(&real).map_err(|e| e.to_string())?;
        self.read.borrow_mut().push(full);
        Ok(bytes)
    }
}

impl Files {
    fn refusal(&self) -> String {
        let roots: Vec<String> = self
            .roots
            .iter()
            .map(|root| format!("`{}`", root.display()))
            .collect();
        format!(
            "refused: it is outside {}, the folders $refs may read (name another with `ref-roots` in apiforge.toml or `--ref-root`)",
            roots.join(", ")
        )
    }
}

/// What [`generate_all`] and [`check_all`] tell their caller as they go.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Generation of the API `index` (from 0) of `total` begins.
    Started {
        /// The API's table name.
        api: &'a str,
        /// Its place in the configuration.
        index: usize,
        /// How many APIs there are.
        total: usize,
    },
    /// Constructs that were ignored or given a fallback.
    Warnings(&'a [Diagnostic]),
    /// The crate was written (some files changed) or was already up to date.
    Finished {
        /// The output folder, as the configuration names it.
        out: &'a str,
        /// What changed; empty when nothing did.
        written: &'a Written,
    },
    /// The API could not be generated; its error is among those returned at the end.
    Failed,
}

/// `warnings` as a terminal shows them, each on its own lines, for printing in one write.
pub fn warnings_text(warnings: &[Diagnostic]) -> String {
    let mut text = String::new();
    for warning in warnings {
        // Writing to a `String` cannot fail.
        let _ = writeln!(text, "{warning}");
    }
    text
}

/// Generates every API of `config` into its folder. An API whose document has errors leaves
/// its crate as it was; the others are still written, and the errors come back together.
pub fn generate_all(
    config: &Config,
    force: bool,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<(), Error> {
    let mut failures = Vec::new();
    let total = config.apis.len();
    for (index, api) in config.apis.iter().enumerate() {
        progress(Progress::Started {
            api: &api.key,
            index,
            total,
        });
        let result = if api.out.exists() {
            generate_one(api, &|_| Ok(())).and_then(|output| {
                progress(Progress::Warnings(&output.generated.warnings));
                write::write_crate(&api.out, &output.generated.files, force)
            })
        } else {
            // Nothing there to compare with or keep: each file is written as it is made.
            write::NewCrate::start(&api.out).and_then(|new_crate| {
                let generated = generate_one(api, &|file| new_crate.write(file));
                // A failed write is what stopped generation.
                if let Some(error) = new_crate.failure() {
                    return Err(error);
                }
                let output = generated?;
                progress(Progress::Warnings(&output.generated.warnings));
                new_crate.finish(&output.generated.files)
            })
        };
        match result {
            Ok(written) => progress(Progress::Finished {
                out: &api.out_display,
                written: &written,
            }),
            Err(error) => {
                progress(Progress::Failed);
                failures.push(error.to_string());
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::new(failures.join("\n")))
    }
}

/// Fails, naming every stale, missing and extra file, unless each API's folder holds exactly
/// what generating it would write.
pub fn check_all(config: &Config, progress: &mut dyn FnMut(Progress<'_>)) -> Result<(), Error> {
    let mut stale = Vec::new();
    let mut failures = Vec::new();
    let total = config.apis.len();
    for (index, api) in config.apis.iter().enumerate() {
        progress(Progress::Started {
            api: &api.key,
            index,
            total,
        });
        // Every API is checked, so one run names everything that is stale.
        let problems = generate_one(api, &|_| Ok(()))
            .and_then(|output| write::check_crate(&api.out, &output.generated.files));
        match problems {
            Ok(problems) => stale.extend(
                problems
                    .iter()
                    .map(|problem| describe(&api.out_display, problem)),
            ),
            Err(error) => failures.push(error.to_string()),
        }
    }
    if let Some(api) = config.apis.first().filter(|_| !stale.is_empty()) {
        failures.push(format!(
            "error: generated crates are stale; run `{}` and commit the result\n{}",
            api.settings.regenerate_command,
            stale.join("\n")
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::new(failures.join("\n")))
    }
}

/// A line of `--check`'s report: `  stale: generated/pets/src/lib.rs`.
fn describe(out: &str, problem: &Stale) -> String {
    match problem {
        Stale::Changed(path) => format!("  stale: {out}/{path}"),
        Stale::Missing(path) => format!("  missing: {out}/{path}"),
        Stale::Extra(path) => format!("  extra: {out}/{path} (no longer generated)"),
        Stale::NotGenerated => format!(
            "  not generated: {out} has files but no {} record",
            record::RECORD_FILE
        ),
    }
}

fn generate_one(api: &ApiConfig, sink: FileSink<'_>) -> Result<Output, Error> {
    generate_located(
        &api.base,
        &api.spec,
        &api.settings,
        &api.ref_roots,
        &api.setting_places,
        sink,
    )
}
