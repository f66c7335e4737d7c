//! `cargo xtask gen --spec FILE --out DIR` on bad input: a non-zero exit, a message naming the
//! file and the place in it, no panic, and nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn gen_one(spec: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run xtask")
}

/// Runs a failing generation and returns its stderr, checking what every failure must do.
fn fails(spec: &Path) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("crate");
    let output = gen_one(spec, &out);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "expected failure, got success:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "a failed run wrote {}", out.display());
    stderr
}

#[test]
fn invalid_yaml_names_file_line_and_column() {
    let stderr = fails(&fixture("invalid-yaml.yaml"));
    assert!(stderr.contains("error: invalid YAML"), "{stderr}");
    assert!(stderr.contains("invalid-yaml.yaml:8:1"), "{stderr}");
}

#[test]
fn invalid_json_names_file_line_and_column() {
    let stderr = fails(&fixture("invalid-json.json"));
    assert!(stderr.contains("error: invalid JSON"), "{stderr}");
    assert!(stderr.contains("invalid-json.json:4:13"), "{stderr}");
}

#[test]
fn a_document_that_is_not_openapi_is_named_as_such() {
    let stderr = fails(&fixture("not-openapi.yaml"));
    assert!(stderr.contains("not an OpenAPI document"), "{stderr}");
    assert!(stderr.contains("not-openapi.yaml at #"), "{stderr}");
    assert!(
        stderr.contains("supported: OpenAPI 3.0.x, OpenAPI 3.1.x, OpenAPI 3.2.x, Swagger 2.0"),
        "{stderr}"
    );
}

#[test]
fn a_dangling_ref_names_the_pointer_of_the_reference() {
    let stderr = fails(&fixture("dangling-ref.yaml"));
    assert!(
        stderr.contains("dangling $ref `#/components/schemas/Pet`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "dangling-ref.yaml:16:17 at #/paths/~1pets/get/responses/200/content/application~1json/schema/items"
        ),
        "{stderr}"
    );
}

#[test]
fn a_wrong_shape_names_the_pointer_of_the_node() {
    let stderr = fails(&fixture("wrong-shape.yaml"));
    assert!(
        stderr.contains("wrong-shape.yaml:8:7 at #/paths/~1pets/get/responses"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let stderr = fails(&fixture("no-such-spec.yaml"));
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(stderr.contains("no-such-spec.yaml"), "{stderr}");
}

#[test]
fn a_failed_run_leaves_the_previous_crate_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("yat");
    let yat = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/yat.yaml");
    let first = gen_one(&yat, &out);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("[workspace]"),
        "an --out crate stands alone:\n{manifest}"
    );

    // A broken spec under the same crate name must not touch what is there.
    let broken_dir = tempfile::tempdir().expect("temp dir");
    let broken = broken_dir.path().join("yat.yaml");
    std::fs::copy(fixture("dangling-ref.yaml"), &broken).expect("copy");
    let second = gen_one(&broken, &out);
    assert!(!second.status.success());
    let after = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert_eq!(after, manifest);
    assert!(out.join("src/operations/user_authentication.rs").exists());
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_generate() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let yat = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/yat.yaml");
    let output = gen_one(&yat, dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("no record of its own"), "{stderr}");
    assert!(dir.path().join("notes.txt").exists());
}
