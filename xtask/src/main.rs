//! `cargo xtask`: the project's build step (see `README.md`).
//!
//! - `cargo xtask gen` regenerates every crate in `generated/` from `specs/`.
//! - `cargo xtask gen --check` fails, naming the stale files, when `generated/` is not fresh.
//! - `cargo xtask gen --spec FILE --out DIR` turns one document into one crate in `DIR`.
//! - `cargo xtask test` runs everything CI runs; `cargo xtask new-user` only its walk-through of
//!   README's "Use it in your project".
//! - `cargo xtask bench` measures speed (generation, compile, runtime overhead).
//! - `cargo xtask corpus` measures the generator on public specs (slow, not part of `test`).

mod adoption;
mod bench;
mod codegen;
mod corpus;
mod examples;
mod features;
mod fsx;
mod test;

/// Generation allocates and drops a syntax tree per file, which mimalloc does faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "apiforge's build step")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate client crates from OpenAPI documents.
    Gen {
        /// Compare instead of writing; fail when anything is stale.
        #[arg(long, conflicts_with_all = ["spec", "out"])]
        check: bool,
        /// One document to generate (with --out), instead of everything in specs/.
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// Where to put the crate generated from --spec.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// Replace generated files even where someone edited them.
        #[arg(long, conflicts_with = "check")]
        force: bool,
    },
    /// Run everything CI runs: fmt, clippy, gen --check, tests, docs, Prism conformance.
    Test,
    /// Only the new user's walk-through of `test`: install, generate, build, call, package.
    NewUser,
    /// Speed figures: generation and `cargo check` of big public specs beside OpenAPI
    /// Generator, the runtime, and the pathological documents.
    Bench {
        /// Only the generation/compile figures.
        #[arg(long, conflicts_with_all = ["runtime", "stress"])]
        codegen: bool,
        /// Only the runtime figures.
        #[arg(long, conflicts_with = "stress")]
        runtime: bool,
        /// Only the pathological documents' generation times.
        #[arg(long)]
        stress: bool,
        /// The pathological documents in this (release) process; `--stress` runs this.
        #[arg(long, hide = true)]
        stress_only: bool,
        /// Print the median time `serde_json` takes to parse this file (run by `--codegen` in
        /// a release build).
        #[arg(long, hide = true)]
        parse: Option<PathBuf>,
    },
    /// Generate and clippy-check crates for public specs (slow; not part of `test`).
    Corpus {
        /// How many documents, sampled evenly from the sorted collection.
        #[arg(long, default_value_t = 300, conflicts_with = "all")]
        sample: usize,
        /// Every document in the collection.
        #[arg(long)]
        all: bool,
        /// Only documents whose path contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Also judge every body example against its schema, decode it into the generated
        /// type and encode it again.
        #[arg(long)]
        examples: bool,
        /// Skip the clippy phase, for when only the examples are wanted (about half the
        /// time): the examples phase builds each crate that has typed examples anyway, and
        /// lists the crates that do not build. The table then says compiling was not checked.
        #[arg(long, requires = "examples")]
        no_clippy: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen { check: true, .. } => codegen::check_all(&codegen::project_root()),
        Command::Gen {
            spec: Some(spec),
            out: Some(out),
            force,
            ..
        } => codegen::generate_one(&spec, &out, force),
        Command::Gen { force, .. } => codegen::generate_all(&codegen::project_root(), force),
        Command::Test => test::run(&codegen::project_root()),
        Command::NewUser => adoption::run(&codegen::project_root()),
        Command::Bench {
            parse: Some(spec), ..
        } => bench::print_parse_time(&spec),
        Command::Bench {
            codegen,
            runtime,
            stress,
            stress_only,
            ..
        } => {
            let only_one = codegen || runtime || stress || stress_only;
            bench::run(
                &codegen::project_root(),
                codegen || !only_one,
                runtime || !only_one,
                stress || stress_only || !only_one,
            )
        }
        Command::Corpus {
            sample,
            all,
            filter,
            examples,
            no_clippy,
        } => corpus::run(
            &codegen::project_root(),
            (!all).then_some(sample),
            filter.as_deref(),
            examples,
            !no_clippy,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
