//! The `build.rs` entry point: an API's client as one module file in `OUT_DIR`.
//!
//! In `build.rs`'s `main`:
//!
//! ```no_run
//! let generated = apiforge_project::build::Module::new("specs/pets.yaml")
//!     .module_path("crate::pets")
//!     .generate();
//! if let Err(error) = generated {
//!     panic!("{error}");
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod pets {
//!     include!(concat!(env!("OUT_DIR"), "/pets.rs"));
//! }
//! ```
//!
//! The crate then depends on `apiforge-runtime` and `serde` (with `derive`), and on
//! `serde_json`, `chrono` or `uuid` where the API's types use them (a missing one is a
//! compile error naming it). Every operation is compiled (no cargo features) and the blocking
//! calls are left out.

use std::path::{Path, PathBuf};

use apiforge_generator::{Layout, Runtime, Settings};

use crate::Error;
use crate::names::crate_name_from;

/// One API's client, generated into `OUT_DIR` by a build script.
#[derive(Clone, Debug)]
pub struct Module {
    spec: PathBuf,
    settings: Settings,
    ref_roots: Vec<PathBuf>,
}

impl Module {
    /// The client of the document at `spec` (relative to the package's folder, where Cargo
    /// runs build scripts), meant to be included at the crate root (see
    /// [`Module::module_path`] otherwise). It is written to `OUT_DIR/<library name>.rs`, the
    /// library name being the file's stem made a Rust name (`pet-store.yaml` gives
    /// `pet_store.rs`); [`Module::generate`] returns the path.
    pub fn new(spec: impl AsRef<Path>) -> Self {
        let spec = spec.as_ref().to_path_buf();
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut settings = Settings::new(crate_name_from(&stem));
        settings.source = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        settings.regenerate_command = "cargo build (build.rs)".to_owned();
        settings.layout = Layout::Module {
            root_path: "crate".to_owned(),
        };
        Module {
            spec,
            settings,
            ref_roots: Vec::new(),
        }
    }

    /// The Rust path of the module the file is included in (`crate::pets` for an `include!`
    /// inside `pub mod pets { ... }` at the crate root). Generated code reaches its own items
    /// through it.
    pub fn module_path(mut self, path: impl Into<String>) -> Self {
        self.settings.layout = Layout::Module {
            root_path: path.into(),
        };
        self
    }

    /// Carries the runtime's source inside the module (`<module>::runtime`) instead of
    /// depending on `apiforge-runtime`; the crate then depends on the runtime's own
    /// dependencies instead.
    pub fn inline_runtime(mut self) -> Self {
        self.settings.runtime = Runtime::Inline;
        self
    }

    /// Lets `$ref`s read files inside `folder` (relative to the package's folder); by default
    /// they may read only inside the document's own folder.
    pub fn ref_root(mut self, folder: impl AsRef<Path>) -> Self {
        self.ref_roots.push(folder.as_ref().to_path_buf());
        self
    }

    /// Every other setting (operations kept, type replacements, derives), for changing.
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// Generates the module into `OUT_DIR`, tells Cargo to run the build script again when the
    /// document or any file it refers to changes, and passes warnings on as
    /// `cargo:warning` lines. Returns the written file's path.
    pub fn generate(self) -> Result<PathBuf, Error> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            Error::new("error: OUT_DIR is not set; `Module::generate` runs inside a build script")
        })?;
        let spec = self.spec.to_string_lossy().into_owned();
        // Printed before generating, so a failing document is also watched for its fix.
        println!("cargo:rerun-if-changed={spec}");
        let mut roots = self.ref_roots.clone();
        if !roots.is_empty() {
            // Naming other folders does not take the document's own away.
            roots.push(
                self.spec
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            );
        }
        let output = crate::generate_api(Path::new(""), &spec, &self.settings, &roots)?;
        for input in &output.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        for warning in &output.generated.warnings {
            for line in warning.to_string().lines() {
                println!("cargo:warning={line}");
            }
        }
        let mut written = None;
        for file in &output.generated.files {
            let path = Path::new(&out_dir).join(&file.path);
            // Unchanged contents keep their modification time, so nothing recompiles.
            if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
                std::fs::write(&path, &file.contents).map_err(|e| Error::io(&path, &e))?;
            }
            written = Some(path);
        }
        written.ok_or_else(|| Error::new("internal error: the generator wrote no module file"))
    }
}
