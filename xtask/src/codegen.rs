//! `cargo xtask gen`: this workspace's `apiforge.toml` to `generated/`, writing (`gen`),
//! comparing (`--check`), or one document to one folder (`--spec FILE --out DIR`). Generating,
//! writing and checking are `apiforge_project`'s, the same code the `apiforge` command runs;
//! this file adds the workspace's command name and its rule that a crate in `generated/` that
//! no API generates any more is removed.

use std::fs;
use std::path::{Path, PathBuf};

use apiforge_project::record::RECORD_FILE;
use apiforge_project::{ApiConfig, CONFIG_FILE, Config, Progress, SingleOptions, config, write};

/// What this workspace's generated files say to run (its `apiforge.toml` says so too).
const COMMAND: &str = "cargo xtask gen";

/// The repository root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The workspace's configuration (whose `command` is `cargo xtask gen`).
pub fn workspace_config(root: &Path) -> Result<Config, String> {
    config::load(&root.join(CONFIG_FILE)).map_err(|e| e.to_string())
}

/// Status lines as `gen` goes: warnings, and which crates were written.
fn print_progress(event: Progress<'_>) {
    match event {
        Progress::Warnings(warnings) => eprint!("{}", apiforge_project::warnings_text(warnings)),
        Progress::Finished { out, written }
            if !written.changed.is_empty() || !written.removed.is_empty() =>
        {
            eprintln!("wrote {out}");
        }
        _ => {}
    }
}

/// The names of the crates `gen` makes.
pub fn generated_crates(root: &Path) -> Result<Vec<String>, String> {
    Ok(workspace_config(root)?
        .apis
        .into_iter()
        .map(|api| api.settings.crate_name)
        .collect())
}

/// `cargo xtask gen`: regenerates every crate; a spec with errors leaves its crate alone.
pub fn generate_all(root: &Path, force: bool) -> Result<(), String> {
    let config = workspace_config(root)?;
    let generated = apiforge_project::generate_all(&config, force, &mut print_progress);
    for orphan in orphans(root, &config)? {
        write::remove_crate(&orphan).map_err(|e| e.to_string())?;
        eprintln!("removed {} (no API generates it)", orphan.display());
    }
    generated.map_err(|e| e.to_string())
}

/// `cargo xtask gen --check`: fails, naming every stale file, when generated/ is not fresh.
pub fn check_all(root: &Path) -> Result<(), String> {
    let config = workspace_config(root)?;
    let mut problems = match apiforge_project::check_all(&config, &mut |_| {}) {
        Ok(()) => Vec::new(),
        Err(error) => vec![error.to_string()],
    };
    for orphan in orphans(root, &config)? {
        problems.push(format!(
            "error: {} is generated, and no API in {CONFIG_FILE} generates it; run `{COMMAND}`",
            orphan.display()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// `cargo xtask gen --spec FILE --out DIR`: one crate that builds on its own in DIR, with the
/// runtime of this checkout by a relative path.
pub fn generate_one(spec: &Path, out: &Path, force: bool) -> Result<(), String> {
    let cwd = std::env::current_dir().map_err(|e| format!("error: {e}"))?;
    let mut api = ApiConfig::single(
        spec,
        out,
        "cargo xtask gen --spec",
        SingleOptions::default(),
        &cwd,
    )
    .and_then(|mut api| {
        api.runtime_at(&cwd, &project_root().join("runtime"))?;
        Ok(api)
    })
    .map_err(|e| e.to_string())?;
    api.settings.manifest.publish_false = true;
    let config = Config {
        path: PathBuf::new(),
        apis: vec![api],
    };
    apiforge_project::generate_all(&config, force, &mut print_progress).map_err(|e| e.to_string())
}

/// Folders in generated/ with an apiforge record that no API of the configuration writes.
fn orphans(root: &Path, config: &Config) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("generated");
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let io = |e: std::io::Error| format!("error: {}: {e}", dir.display());
    let mut orphans = Vec::new();
    for entry in fs::read_dir(&dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let configured = config.apis.iter().any(|api| api.out == path);
        if path.join(RECORD_FILE).is_file() && !configured {
            orphans.push(path);
        }
    }
    orphans.sort();
    Ok(orphans)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed crates are exactly what the specs give (rust-analyzer's "fresh" test).
    #[test]
    fn generated_crates_are_fresh() {
        if let Err(message) = check_all(&project_root()) {
            panic!("{message}");
        }
    }

    #[test]
    fn check_names_every_stale_file_and_gen_repairs_them() {
        let root = tempfile::tempdir().expect("temp dir");
        let specs = root.path().join("specs");
        fs::create_dir_all(&specs).expect("specs/");
        fs::copy(
            project_root().join("specs/verbit.yaml"),
            specs.join("verbit.yaml"),
        )
        .expect("copy");
        let config = "[api.verbit]\nspec = \"specs/verbit.yaml\"\nout = \"generated/verbit\"\n";
        fs::write(root.path().join(CONFIG_FILE), config).expect("config");
        let missing = check_all(root.path()).expect_err("nothing generated yet");
        assert!(
            missing.contains("missing: generated/verbit/Cargo.toml"),
            "{missing}"
        );

        generate_all(root.path(), false).expect("gen");
        check_all(root.path()).expect("fresh right after gen");

        let client = root.path().join("generated/verbit/src/client.rs");
        fs::write(&client, "// edited by hand\n").expect("edit");
        fs::write(root.path().join("generated/verbit/src/extra.rs"), "").expect("extra");
        let stale = check_all(root.path()).expect_err("an edit is stale");
        assert!(
            stale.contains("stale: generated/verbit/src/client.rs"),
            "{stale}"
        );
        assert!(
            !stale.contains("extra.rs"),
            "a file apiforge did not write is not its business: {stale}"
        );
        assert!(
            !stale.contains("types"),
            "only the changed files are named: {stale}"
        );
        let refused = generate_all(root.path(), false).expect_err("an edited file stops gen");
        assert!(refused.contains("src/client.rs (edited"), "{refused}");

        fs::write(root.path().join(CONFIG_FILE), "").expect("config without the API");
        let orphan = check_all(root.path()).expect_err("a crate without an API");
        assert!(orphan.contains("no API in apiforge.toml"), "{orphan}");
        generate_all(root.path(), false).expect("gen");
        assert!(
            !root.path().join("generated/verbit/src/lib.rs").exists(),
            "gen removes the files of a crate no API generates"
        );
        assert!(
            client.exists() && root.path().join("generated/verbit/src/extra.rs").exists(),
            "and keeps the files someone edited or wrote"
        );
    }
}
