//! OpenAPI Generator, the peer `cargo xtask bench --codegen` measures apiforge against: its
//! pinned release from PyPI (`openapi-generator-cli`, which carries the generator's jar),
//! installed into `.cache/openapi-generator`, run with the machine's Java.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fsx::io_error;

/// The pinned release: the PyPI package's version is the generator's.
const PACKAGE: &str = "openapi-generator-cli==7.26.0";

/// The generator's jar, installed unless it is there already, and a Java to run it with.
pub struct Peer {
    jar: PathBuf,
}

impl Peer {
    /// Installs the pinned release with pip (and Debian's headless JRE when there is no `java`).
    pub fn install(root: &Path) -> Result<Peer, String> {
        let prefix = root.join(".cache/openapi-generator");
        let marker = prefix.join("installed");
        if fs::read_to_string(&marker).ok().as_deref() != Some(PACKAGE) {
            fs::create_dir_all(&prefix).map_err(|e| io_error(&prefix, &e))?;
            eprintln!("==> pip install {PACKAGE}");
            let status = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "--upgrade", "--target"])
                .arg(&prefix)
                .arg(PACKAGE)
                .status()
                .map_err(|e| format!("error: cannot run pip: {e}"))?;
            if !status.success() {
                return Err(format!("error: pip install {PACKAGE} failed ({status})"));
            }
            fs::write(&marker, PACKAGE).map_err(|e| io_error(&marker, &e))?;
        }
        if Command::new("java").arg("-version").output().is_err() {
            eprintln!("==> apt-get install openjdk-17-jre-headless");
            let status = Command::new("apt-get")
                .args(["install", "-y", "-qq", "openjdk-17-jre-headless"])
                .status()
                .map_err(|e| format!("error: no java, and cannot run apt-get: {e}"))?;
            if !status.success() {
                return Err("error: no java, and apt-get could not install one".to_owned());
            }
        }
        Ok(Peer {
            jar: prefix.join("openapi_generator_cli/openapi-generator.jar"),
        })
    }

    /// The command that generates OpenAPI Generator's Rust client for `spec` into `out` as
    /// the crate `name` (its defaults otherwise, spec validation off as for real-world specs).
    pub fn generate(&self, spec: &Path, out: &Path, name: &str) -> Command {
        let mut command = Command::new("java");
        command
            .arg("-jar")
            .arg(&self.jar)
            .args([
                "generate",
                "--generator-name",
                "rust",
                "--skip-validate-spec",
            ])
            .arg("--input-spec")
            .arg(spec)
            .arg("--output")
            .arg(out)
            .arg(format!(
                "--additional-properties=packageName={name},packageVersion=0.1.0"
            ));
        command
    }
}
