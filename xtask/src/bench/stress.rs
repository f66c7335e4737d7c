//! `cargo xtask bench --stress`: generation time of the pathological documents of
//! `generator/tests/stress.rs` (`generator/tests/support/pathological.rs`), in memory, by a
//! release build.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[path = "../../../generator/tests/support/pathological.rs"]
mod pathological;

/// Times each pathological document, in a release build (this one, or one it builds and runs).
pub fn run(root: &Path, cargo: &str) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("==> cargo run --release -p xtask -- bench --stress-only");
        let status = Command::new(cargo)
            .args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "xtask",
                "--",
                "bench",
                "--stress-only",
            ])
            .current_dir(root)
            .status()
            .map_err(|e| format!("error: cannot run the release xtask: {e}"))?;
        return if status.success() {
            Ok(())
        } else {
            Err(format!("error: the stress benchmark failed ({status})"))
        };
    }
    println!("| document | size | generation (median of 5) | outcome |");
    println!("| --- | --- | --- | --- |");
    for (name, document) in pathological::shapes() {
        let settings = apiforge_generator::Settings::new("stress");
        let mut times = Vec::new();
        let mut outcome = String::new();
        for _ in 0..5 {
            let started = Instant::now();
            let result =
                apiforge_generator::generate("stress.yaml", document.as_bytes(), &settings);
            times.push(started.elapsed().as_secs_f64());
            outcome = match result {
                Ok(generated) => format!("{} files", generated.files.len()),
                Err(diagnostics) => diagnostics
                    .iter()
                    .find(|d| d.severity == apiforge_generator::Severity::Error)
                    .map(|d| format!("error: {}", d.message))
                    .unwrap_or_default(),
            };
        }
        println!(
            "| {name} | {:.1} KB | {:.3} s | {outcome} |",
            document.len() as f64 / 1024.0,
            super::median(times)
        );
    }
    Ok(())
}
