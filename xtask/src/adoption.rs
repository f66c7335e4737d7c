//! The new user's walk-through, as README's "Use it in your project" tells it, run by
//! `cargo xtask test`: in a folder outside this workspace, the built `apiforge` command
//! generates two APIs from an `apiforge.toml` (one carrying the runtime inline, one depending
//! on it by version, resolved through a `[patch]` to this checkout), the project moves to
//! another path (as a teammate's checkout) and is still fresh there, a separate binary crate
//! depends on both clients and calls one operation of each against a loopback server, and the
//! inline crate is packaged for publishing, verify step included.
//!
//! Offline, with this workspace's target folder, lock file and profile settings, so that the
//! dependencies built for the workspace are reused.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fsx::io_error;

/// The profile settings of the workspace's `Cargo.toml`: the same ones give the same
/// dependency builds in the shared target folder.
const PROFILE: [&str; 4] = [
    "--config",
    "profile.dev.debug=\"line-tables-only\"",
    "--config",
    "profile.dev.package.\"*\".debug=false",
];

const CONFIG: &str = r#"[api.verbit]
spec = "specs/verbit.yaml"
out = "clients/verbit"
runtime = "inline"
license = "MIT OR Apache-2.0"
description = "Verbit's authentication API"
repository = "https://example.com/clients"
keywords = ["verbit", "auth"]

[api.yat]
spec = "specs/yat.yaml"
out = "clients/yat"
runtime = "0.1"
"#;

const APP_MAIN: &str = r#"//! Calls one operation of each generated client against the base URL it is given.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).ok_or("usage: app BASE_URL")?;

    let verbit = verbit::Client::builder().base_url(&base_url).build()?;
    let auth = verbit
        .auth(verbit::types::AuthRequest::new(
            verbit::types::AuthPayload::new("key-123"),
        ))
        .send()
        .await?;
    println!("verbit token: {}", auth.data.token);

    let yat = yat::Client::builder().base_url(&base_url).build()?;
    let tokens = yat
        .auth_token_post(yat::types::LoginRequest::new("me@example.com", "secret"))
        .send()
        .await?;
    println!("yat access token: {}", tokens.access_token);
    Ok(())
}
"#;

pub fn run(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let scratch = std::env::temp_dir().join(format!("apiforge-new-user-{}", std::process::id()));
    if scratch.exists() {
        fs::remove_dir_all(&scratch).map_err(|e| io_error(&scratch, &e))?;
    }
    // Installed as README says, into a folder of its own; `--debug` with the shared target
    // folder reuses the workspace's build instead of compiling a release one.
    let home = scratch.join("cargo-home");
    eprintln!("    cargo install --path cli");
    status_of(
        Command::new(&cargo)
            .args([
                "install",
                "--quiet",
                "--offline",
                "--locked",
                "--debug",
                "--path",
                "cli",
                "--root",
            ])
            .arg(&home)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(root),
        "cargo install --path cli",
    )?;
    let apiforge = home
        .join("bin")
        .join(format!("apiforge{}", std::env::consts::EXE_SUFFIX));
    let result = install_from_git(root, &cargo, &target, &scratch)
        .and_then(|()| walk_through(root, &cargo, &target, &apiforge, &scratch.join("project")));
    let _ = fs::remove_dir_all(&scratch);
    result
}

fn walk_through(
    root: &Path,
    cargo: &str,
    target: &Path,
    apiforge: &Path,
    project: &Path,
) -> Result<(), String> {
    let write = |path: &Path, text: &str| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        fs::write(path, text).map_err(|e| io_error(path, &e))
    };
    for spec in ["verbit.yaml", "yat.yaml"] {
        let to = project.join("specs").join(spec);
        write(&to, "")?;
        fs::copy(root.join("specs").join(spec), &to).map_err(|e| io_error(&to, &e))?;
    }
    write(&project.join("apiforge.toml"), CONFIG)?;
    let lock = fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| io_error(&root.join("Cargo.lock"), &e))?;
    let runtime = root.join("runtime");
    let app = project.join("app");
    write(
        &app.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\nverbit = {{ path = \"../clients/verbit\" }}\nyat = {{ path = \"../clients/yat\" }}\n\n# The published runtime, taken from this checkout.\n[patch.crates-io]\napiforge-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.to_string_lossy()
        ),
    )?;
    write(&app.join("src/main.rs"), APP_MAIN)?;
    write(&app.join("Cargo.lock"), &lock)?;

    eprintln!("    apiforge generate (from app/src: the configuration is found upward)");
    let status = Command::new(apiforge)
        .arg("generate")
        .current_dir(app.join("src"))
        .status()
        .map_err(|e| format!("error: cannot run {}: {e}", apiforge.display()))?;
    if !status.success() {
        return Err(format!("error: apiforge generate failed ({status})"));
    }

    // As a teammate's checkout would be: the same files on another path. They must build there,
    // and still be exactly what generating there gives.
    eprintln!("    the project moves to another path; apiforge generate --check there");
    let moved = project.with_file_name("checked-out-elsewhere");
    fs::rename(project, &moved).map_err(|e| io_error(&moved, &e))?;
    let project = moved;
    let app = project.join("app");
    status_of(
        Command::new(apiforge)
            .args(["generate", "--check"])
            .current_dir(&project),
        "apiforge generate --check after the move",
    )?;

    eprintln!("    cargo build of a binary crate that depends on both clients");
    let mut build = Command::new(cargo);
    build
        .args(["build", "--offline", "--quiet"])
        .args(PROFILE)
        .env("CARGO_TARGET_DIR", target);
    status_of(build.current_dir(&app), "cargo build of the new user's app")?;

    eprintln!("    the app calls both APIs on a loopback server");
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("error: loopback server: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("error: loopback server: {e}"))?;
    let server = std::thread::spawn(move || serve(&listener, 2));
    let output = Command::new(
        target
            .join("debug")
            .join(format!("app{}", std::env::consts::EXE_SUFFIX)),
    )
    .arg(format!("http://{address}"))
    .output()
    .map_err(|e| format!("error: cannot run the app: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let served = server
        .join()
        .map_err(|_| "error: the loopback server failed".to_owned())??;
    if !output.status.success()
        || !stdout.contains("verbit token: jwt-verbit")
        || !stdout.contains("yat access token: acc-yat")
    {
        return Err(format!(
            "error: the app did not get both answers\nstdout:\n{stdout}\nstderr:\n{}\nrequests:\n{}",
            String::from_utf8_lossy(&output.stderr),
            served.join("\n")
        ));
    }
    if served != ["POST /auth", "POST /auth/token"] {
        return Err(format!("error: unexpected requests: {served:?}"));
    }

    eprintln!("    cargo package of the crate with the runtime inline (verify step included)");
    let verbit = project.join("clients/verbit");
    write(&verbit.join("Cargo.lock"), &lock)?;
    let mut package = Command::new(cargo);
    package
        .args(["package", "--offline", "--quiet", "--allow-dirty"])
        .args(PROFILE)
        .env("CARGO_TARGET_DIR", target);
    status_of(
        package.current_dir(&verbit),
        "cargo package of the inline crate",
    )?;
    eprintln!("    cargo test --doc of the inline crate (its examples and the runtime's)");
    let mut doctests = Command::new(cargo);
    doctests
        .args(["test", "--offline", "--quiet", "--doc"])
        .args(PROFILE)
        .env("CARGO_TARGET_DIR", target);
    status_of(
        doctests.current_dir(&verbit),
        "cargo test --doc of the inline crate",
    )?;

    // The runtime is not on crates.io from here, so the registry's copy is this checkout's.
    eprintln!("    cargo package of the crate that takes the runtime by version");
    let yat = project.join("clients/yat");
    write(&yat.join("Cargo.lock"), &lock)?;
    let patch = format!(
        "patch.crates-io.apiforge-runtime.path={:?}",
        runtime.to_string_lossy()
    );
    let mut package = Command::new(cargo);
    package
        .args(["package", "--offline", "--quiet", "--allow-dirty"])
        .args(PROFILE)
        .args(["--config", &patch])
        .env("CARGO_TARGET_DIR", target);
    status_of(
        package.current_dir(&yat),
        "cargo package of the versioned crate",
    )?;

    let lines = count_lines(&verbit.join("src/runtime"))?;
    eprintln!("    the inline runtime is {lines} lines");
    Ok(())
}

/// README's other way to install, `cargo install --git URL apiforge-cli`, from this checkout's
/// repository (its committed `HEAD`; the walk-through itself uses the working tree).
fn install_from_git(root: &Path, cargo: &str, target: &Path, scratch: &Path) -> Result<(), String> {
    if !root.join(".git").exists() {
        eprintln!("    cargo install --git: skipped, this checkout is not a git repository");
        return Ok(());
    }
    eprintln!("    cargo install --git file://<this repository> apiforge-cli");
    let home = scratch.join("git-home");
    status_of(
        Command::new(cargo)
            .args(["install", "--quiet", "--locked", "--debug", "--root"])
            .arg(&home)
            .arg("--git")
            .arg(format!("file://{}", root.display()))
            .arg("apiforge-cli")
            .env("CARGO_TARGET_DIR", target),
        "cargo install --git",
    )?;
    let installed = home
        .join("bin")
        .join(format!("apiforge{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&installed)
        .arg("--version")
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", installed.display()))?;
    let version = String::from_utf8_lossy(&output.stdout);
    if version.starts_with("apiforge ") {
        Ok(())
    } else {
        Err(format!("error: the installed apiforge said {version:?}"))
    }
}

fn status_of(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("error: cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: {what} failed ({status})"))
    }
}

/// Answers `count` requests, one per connection: Verbit's token for `POST /auth`, Yat's for
/// `POST /auth/token`. Returns the request lines it saw.
fn serve(listener: &TcpListener, count: usize) -> Result<Vec<String>, String> {
    let mut seen = Vec::new();
    for _ in 0..count {
        let (stream, _) = listener
            .accept()
            .map_err(|e| format!("error: loopback accept: {e}"))?;
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader
            .read_line(&mut request_line)
            .map_err(|e| format!("error: loopback read: {e}"))?;
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .map_err(|e| format!("error: loopback read: {e}"))?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("error: loopback read: {e}"))?;
        let route: String = request_line
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let answer = match route.as_str() {
            "POST /auth" => {
                r#"{"tracing_id":"b392efa9-1f26-4e79-9cd5-41ab283e9c76","request_timestamp":"2021-07-30T21:00:00Z","data":{"token":"jwt-verbit"},"schema_timestamp":"1637650991","schema_name":"auth_response"}"#
            }
            "POST /auth/token" => r#"{"access_token":"acc-yat","refresh_token":"ref-yat"}"#,
            _ => "{}",
        };
        seen.push(route);
        let mut stream = reader.into_inner();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .map_err(|e| format!("error: loopback write: {e}"))?;
    }
    Ok(seen)
}

fn count_lines(dir: &Path) -> Result<usize, String> {
    let mut lines = 0;
    for file in crate::fsx::list_files(dir)? {
        let path = dir.join(file);
        lines += fs::read_to_string(&path)
            .map_err(|e| io_error(&path, &e))?
            .lines()
            .count();
    }
    Ok(lines)
}
