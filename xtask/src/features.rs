//! Each tag's cargo feature alone: a generated crate must pass clippy with any one of its
//! operation modules on and the rest off, since types are compiled only under the features
//! whose operations reach them.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::fsx::io_error;

/// The operation modules' features of the generated crate at `dir`: the `[features]` entries
/// that enable nothing else (`pets = []`).
pub fn module_features(dir: &Path) -> Result<Vec<String>, String> {
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| io_error(&manifest, &e))?;
    let mut in_features = false;
    let mut features = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if let Some(name) = line.strip_suffix("= []").filter(|_| in_features) {
            features.push(name.trim().to_owned());
        }
    }
    Ok(features)
}

/// Runs clippy on `package` (in the workspace at `dir`) once per module feature alone, when it
/// has more than one (with one, that is its default build, linted already).
pub fn lint_each_alone(
    cargo: &str,
    dir: &Path,
    crate_dir: &Path,
    package: &str,
    target_dir: &Path,
) -> Result<(), String> {
    let features = module_features(crate_dir)?;
    if features.len() < 2 {
        return Ok(());
    }
    for feature in features {
        let status = Command::new(cargo)
            .args(["clippy", "--quiet", "-p", package, "--no-default-features"])
            .args(["--features", &feature, "--", "-D", "warnings"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target_dir)
            .status()
            .map_err(|e| format!("error: cannot run cargo clippy: {e}"))?;
        if !status.success() {
            return Err(format!(
                "error: `{package}` with only its `{feature}` feature does not pass clippy"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_features_are_the_ones_that_enable_nothing() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"x\"\n\n[dependencies]\nserde = []\n\n[features]\ndefault = [\"pets\", \"stores\"]\npets = []\nstores = []\nblocking = [\"apiforge-runtime/blocking\"]\n",
        )
        .expect("a manifest");
        assert_eq!(
            module_features(dir.path()).expect("read"),
            ["pets", "stores"]
        );
    }
}
