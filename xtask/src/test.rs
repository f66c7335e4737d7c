//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;
use std::process::Command;

use crate::codegen;

/// The pinned Prism release the conformance run validates requests with.
const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.16.0";

pub fn run(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    step(
        root,
        "cargo fmt --check",
        Command::new(&cargo).args(["fmt", "--all", "--", "--check"]),
    )?;
    eprintln!("==> cargo xtask gen --check");
    codegen::check_all(root)?;
    step(
        root,
        "cargo clippy",
        Command::new(&cargo).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        root,
        "cargo test",
        Command::new(&cargo).args(["test", "--workspace"]),
    )?;
    // specs/hostile.yaml's code blocks write this file if rustdoc ever runs one of them, even
    // one marked `should_panic` or `compile_fail` whose doctest would pass.
    let canary = root.join("generated/hostile/canary");
    if canary.exists() {
        return Err(format!(
            "error: {} exists: spec text ran as a doctest",
            canary.display()
        ));
    }
    // Every operation module sits behind a feature: the crates must build with none of them.
    let mut partial = Command::new(&cargo);
    partial.args(["check", "--no-default-features"]);
    for name in codegen::generated_crates(root)? {
        partial.args(["-p", &name]);
    }
    step(
        root,
        "generated crates without their features",
        &mut partial,
    )?;
    // Types are compiled only under the features whose operations reach them: each crate
    // must pass clippy with any one of its features alone.
    eprintln!("==> generated crates with each of their features alone");
    for api in codegen::workspace_config(root)?.apis {
        let name = &api.settings.crate_name;
        crate::features::lint_each_alone(&cargo, root, &api.out, name, &root.join("target"))?;
    }
    // `send_blocking` is behind each crate's `blocking` feature, which the workspace build
    // leaves off: lint the crates with it on (reusing the clippy build above).
    let mut blocking = Command::new(&cargo);
    blocking.args(["clippy", "--features", "blocking"]);
    for name in codegen::generated_crates(root)? {
        blocking.args(["-p", &name]);
    }
    blocking.args(["--", "-D", "warnings"]);
    step(
        root,
        "generated crates with their blocking feature",
        &mut blocking,
    )?;
    eprintln!("==> a new user's project: apiforge generate, build, call, package");
    crate::adoption::run(root)?;
    let mut doc = Command::new(&cargo);
    doc.args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    step(root, "cargo doc", &mut doc)?;
    eprintln!("==> corpus subset: real documents generated and linted");
    crate::corpus::check_subset(root)?;
    let prism = install_prism(root)?;
    let mut conformance = Command::new(&cargo);
    conformance
        .args([
            "test",
            "-p",
            "apiforge-tests",
            "--test",
            "conformance",
            "--",
            "--ignored",
        ])
        .env("APIFORGE_PRISM", &prism);
    step(root, "Prism conformance", &mut conformance)?;
    eprintln!("==> all checks passed");
    Ok(())
}

fn step(root: &Path, name: &str, command: &mut Command) -> Result<(), String> {
    eprintln!("==> {name}");
    let status = command
        .current_dir(root)
        .status()
        .map_err(|error| format!("error: cannot run {name}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: {name} failed ({status})"))
    }
}

/// Installs the pinned Prism into `.cache/prism` (git-ignored) unless it is already there.
fn install_prism(root: &Path) -> Result<String, String> {
    let prefix = root.join(".cache").join("prism");
    let bin = prefix.join("node_modules").join(".bin").join("prism");
    let marker = prefix.join("installed-version");
    let installed = std::fs::read_to_string(&marker).unwrap_or_default();
    if !(bin.exists() && installed == PRISM_PACKAGE) {
        std::fs::create_dir_all(&prefix).map_err(|e| crate::fsx::io_error(&prefix, &e))?;
        step(
            root,
            "npm install Prism",
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&prefix)
                .arg(PRISM_PACKAGE),
        )?;
        std::fs::write(&marker, PRISM_PACKAGE).map_err(|e| crate::fsx::io_error(&marker, &e))?;
    }
    Ok(bin.to_string_lossy().into_owned())
}
