//! `cargo xtask bench`: speed figures, measured, never asserted in tests.
//!
//! - codegen (`codegen.rs`): apiforge beside OpenAPI Generator (`peer.rs`) on GitHub's,
//!   Kubernetes' and Stripe's specs: generation time and peak memory, files and lines, `cargo
//!   check` time, and the ratios the speed goals are stated in;
//! - runtime: the `apiforge-bench` binary, which compares generated calls with bare `reqwest`
//!   against a loopback server;
//! - stress (`stress.rs`): generation time of the pathological documents.

mod codegen;
mod peer;
mod stress;

use std::path::Path;
use std::process::Command;

pub use codegen::print_parse_time;

pub fn run(root: &Path, codegen: bool, runtime: bool, stress: bool) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    if stress {
        stress::run(root, &cargo)?;
    }
    if codegen {
        codegen::run(root, &cargo)?;
    }
    if runtime {
        eprintln!("==> cargo run --release -p apiforge-bench");
        let status = Command::new(&cargo)
            .args(["run", "--release", "--quiet", "-p", "apiforge-bench"])
            .current_dir(root)
            .status()
            .map_err(|e| format!("error: cannot run the runtime benchmark: {e}"))?;
        if !status.success() {
            return Err(format!("error: the runtime benchmark failed ({status})"));
        }
    }
    Ok(())
}

/// The middle of `times` once sorted (the upper middle of an even count); 0 for none.
fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or_default()
}
