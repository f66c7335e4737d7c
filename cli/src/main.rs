//! `apiforge`: typed Rust client crates from OpenAPI documents, for any project.
//!
//! - `apiforge generate` generates every API of the nearest `apiforge.toml` (found from the
//!   current folder upward, as Cargo finds `Cargo.toml`).
//! - `apiforge generate SPEC --out DIR` generates one document, without a configuration.
//! - `--check` compares instead of writing, and fails naming what is stale.
//!
//! All the work is `apiforge_project`'s; this file reads arguments and shows progress.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use apiforge_project::{
    ApiConfig, CONFIG_FILE, Config, Error, Progress, SingleOptions, config, warnings_text,
};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Generation allocates and drops a syntax tree per file, which mimalloc does faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "apiforge",
    version,
    about = "Typed Rust client crates from OpenAPI documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate client crates: every API of apiforge.toml, or one document with --out.
    Generate(Generate),
}

#[derive(Args)]
struct Generate {
    /// One OpenAPI document (YAML or JSON) to generate instead of the configuration's APIs.
    #[arg(requires = "out", conflicts_with = "config")]
    spec: Option<PathBuf>,
    /// The folder the crate generated from SPEC goes to.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
    /// The crate's name (default: from SPEC's file name).
    #[arg(long, requires = "spec")]
    name: Option<String>,
    /// The crate's version (default: 0.1.0).
    #[arg(long, requires = "spec")]
    crate_version: Option<String>,
    /// How the crate gets the runtime: a version requirement (default: the runtime this
    /// apiforge emits code for), `inline` (its source inside the crate), `path:DIR`, or
    /// `git:URL#REV`.
    #[arg(long, requires = "spec")]
    runtime: Option<String>,
    /// A folder besides SPEC's own that its `$ref`s may read (repeatable).
    #[arg(long, requires = "spec")]
    ref_root: Vec<PathBuf>,
    /// What structs do with the properties an object schema does not declare when it says
    /// nothing of `additionalProperties`: `keep` them in a map (the default), or `drop` them.
    #[arg(long, requires = "spec", value_name = "keep|drop")]
    unknown_properties: Option<String>,
    /// The configuration to use instead of the nearest apiforge.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Compare instead of writing: fail, naming stale, missing and extra files.
    #[arg(long, conflicts_with = "force")]
    check: bool,
    /// Replace generated files even where someone edited them.
    #[arg(long)]
    force: bool,
    /// No progress or status lines; warnings and errors only.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let Cli {
        command: Command::Generate(args),
    } = Cli::parse();
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &Generate) -> Result<(), Error> {
    let config = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => Config {
            path: PathBuf::new(),
            apis: vec![single(args, spec, out)?],
        },
        _ => {
            let path = match &args.config {
                Some(path) => path.clone(),
                None => find_config()?,
            };
            config::load(&path)?
        }
    };
    let mut reporter = Reporter::new(args.quiet, args.check, config.apis.len());
    let result = if args.check {
        apiforge_project::check_all(&config, &mut |event| reporter.report(event))
    } else {
        apiforge_project::generate_all(&config, args.force, &mut |event| reporter.report(event))
    };
    reporter.finish();
    result?;
    if args.check && !args.quiet {
        eprintln!("{:>12} every crate is up to date", "Checked");
    }
    Ok(())
}

fn find_config() -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::new(format!("error: {e}")))?;
    config::find(&cwd).ok_or_else(|| {
        Error::new(format!(
            "error: could not find `{CONFIG_FILE}` in `{}` or any parent folder\n  = note: write one (see `apiforge generate --help`), or generate one document with `apiforge generate SPEC --out DIR`",
            cwd.display()
        ))
    })
}

/// The API of `apiforge generate SPEC --out DIR`.
fn single(args: &Generate, spec: &Path, out: &Path) -> Result<ApiConfig, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::new(format!("error: {e}")))?;
    let options = SingleOptions {
        name: args.name.as_deref(),
        crate_version: args.crate_version.as_deref(),
        runtime: args.runtime.as_deref(),
        ref_roots: &args.ref_root,
        unknown_properties: args.unknown_properties.as_deref(),
    };
    ApiConfig::single(spec, out, "apiforge generate", options, &cwd)
}

/// Progress on a terminal (a bar over the APIs), status lines otherwise, nothing with
/// `--quiet` but warnings.
struct Reporter {
    quiet: bool,
    bar: ProgressBar,
}

impl Reporter {
    fn new(quiet: bool, checking: bool, total: usize) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            // Hidden by indicatif itself when stderr is not a terminal.
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>12.cyan.bold} [{bar:25}] {pos}/{len} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(if checking { "Checking" } else { "Generating" });
        bar.enable_steady_tick(Duration::from_millis(120));
        Reporter { quiet, bar }
    }

    fn report(&mut self, event: Progress<'_>) {
        match event {
            Progress::Started { api, index, .. } => {
                self.bar.set_position(index as u64);
                self.bar.set_message(api.to_owned());
            }
            Progress::Warnings(warnings) => {
                // One write: printed one by one, a big spec's thousand warnings were thousands
                // of writes to an unbuffered stderr.
                let text = warnings_text(warnings);
                self.bar.suspend(|| eprint!("{text}"));
            }
            Progress::Finished { out, written } => {
                self.bar.inc(1);
                if self.quiet {
                    return;
                }
                let line = if written.changed.is_empty() && written.removed.is_empty() {
                    format!("{:>12} {out}", "Fresh")
                } else {
                    let mut what = format!("{} file(s) written", written.changed.len());
                    if !written.removed.is_empty() {
                        what.push_str(&format!(", {} removed", written.removed.len()));
                    }
                    format!("{:>12} {out} ({what})", "Wrote")
                };
                self.bar.suspend(|| eprintln!("{line}"));
            }
            Progress::Failed => self.bar.inc(1),
        }
    }

    fn finish(self) {
        self.bar.finish_and_clear();
    }
}
