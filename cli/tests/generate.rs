//! `apiforge generate` in a project of someone else's: it writes only what it owns, notices
//! edits, checks freshness, gives the same bytes wherever it runs, and reports bad
//! configuration with the file, the line and the key.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

/// Runs `apiforge` in `dir`.
fn apiforge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apiforge"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run apiforge")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeds(output: Output) -> String {
    let text = stderr(&output);
    assert!(output.status.success(), "expected success:\n{text}");
    text
}

fn fails(output: Output) -> String {
    let text = stderr(&output);
    assert!(!output.status.success(), "expected failure:\n{text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

/// Every file under `dir` and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).expect("read");
                out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), bytes);
            }
        }
    }
    out
}

/// A project with `apiforge.toml` generating Yat into `clients/yat`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("specs")).expect("specs/");
    fs::copy(
        workspace_spec("yat.yaml"),
        dir.path().join("specs/yat.yaml"),
    )
    .expect("copy");
    fs::write(
        dir.path().join("apiforge.toml"),
        "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nname = \"yat-client\"\nversion = \"2.1.0\"\nlicense = \"MIT\"\nkeywords = [\"yat\", \"emoji\"]\n",
    )
    .expect("config");
    dir
}

#[test]
fn regeneration_keeps_what_apiforge_did_not_write() {
    let project = project();
    let root = project.path();
    succeeds(apiforge(root, &["generate"]));
    let crate_dir = root.join("clients/yat");
    let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("name = \"yat-client\""), "{manifest}");
    assert!(manifest.contains("version = \"2.1.0\""), "{manifest}");
    assert!(manifest.contains("license = \"MIT\""), "{manifest}");
    assert!(
        manifest.contains("apiforge-runtime = \"0.1\""),
        "{manifest}"
    );
    assert!(!manifest.contains("publish"), "{manifest}");

    // What a user keeps in the crate's folder.
    let theirs = [
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("Cargo.lock", "# lock\n"),
        ("tests/login.rs", "#[test]\nfn t() {}\n"),
        ("NOTES.md", "mine\n"),
        ("src/extra.rs", "// mine too\n"),
    ];
    for (path, text) in theirs {
        let path = crate_dir.join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write");
    }

    // The spec loses a schema: its file goes, nothing else of the user's does.
    let schema_file = crate_dir.join("src/types/login_request.rs");
    assert!(schema_file.exists());
    let spec = root.join("specs/yat.yaml");
    let text = fs::read_to_string(&spec).expect("spec");
    let edited = text.replace("LoginRequest", "SignInRequest");
    assert_ne!(text, edited, "the spec names LoginRequest");
    fs::write(&spec, edited).expect("edit spec");
    succeeds(apiforge(root, &["generate"]));
    assert!(
        !schema_file.exists(),
        "a file whose schema disappeared is removed"
    );
    assert!(crate_dir.join("src/types/sign_in_request.rs").exists());
    for (path, text) in theirs {
        let kept = fs::read_to_string(crate_dir.join(path)).expect("still there");
        assert_eq!(kept, text, "{path} survives regeneration");
    }

    // A hand-edited generated file stops generation until --force.
    let lib = crate_dir.join("src/lib.rs");
    fs::write(&lib, "// my edit\n").expect("edit");
    fs::write(&spec, &text).expect("restore spec");
    let refused = fails(apiforge(root, &["generate"]));
    assert!(
        refused.contains("src/lib.rs (edited since it was generated)"),
        "{refused}"
    );
    assert!(refused.contains("--force"), "{refused}");
    assert_eq!(fs::read_to_string(&lib).expect("lib"), "// my edit\n");
    assert!(
        !crate_dir.join("src/types/login_request.rs").exists(),
        "a refused run writes nothing"
    );
    succeeds(apiforge(root, &["generate", "--force"]));
    assert!(
        fs::read_to_string(&lib)
            .expect("lib")
            .contains("Generated by apiforge")
    );
    assert!(crate_dir.join("src/types/login_request.rs").exists());
    assert!(!root.join("clients/yat/.apiforge-staging").exists());
}

#[test]
fn a_folder_is_apiforges_only_by_its_record() {
    let project = project();
    let root = project.path();
    // A preamble anyone can write does not make a folder apiforge's.
    let crate_dir = root.join("clients/yat");
    fs::create_dir_all(&crate_dir).expect("mkdir");
    fs::write(
        crate_dir.join("Cargo.toml"),
        "# Generated by apiforge from `specs/yat.yaml`. Do not edit by hand.\n[package]\nname = \"mine\"\n",
    )
    .expect("forged");
    let refused = fails(apiforge(root, &["generate"]));
    assert!(refused.contains("no record of its own"), "{refused}");
    let refused_forced = fails(apiforge(root, &["generate", "--force"]));
    assert!(
        refused_forced.contains("no record of its own"),
        "{refused_forced}"
    );
    assert!(
        fs::read_to_string(crate_dir.join("Cargo.toml"))
            .expect("kept")
            .contains("mine")
    );
    assert_eq!(
        snapshot(&crate_dir).len(),
        1,
        "nothing was written beside it"
    );

    // Nor does a record that lists files apiforge never writes: it cannot make apiforge
    // remove them.
    fs::remove_dir_all(&crate_dir).expect("clean");
    succeeds(apiforge(root, &["generate"]));
    fs::create_dir_all(crate_dir.join(".git")).expect(".git");
    fs::write(crate_dir.join(".git/HEAD"), "ref: refs/heads/main\n").expect("HEAD");
    let record = crate_dir.join(".apiforge-files.json");
    let text = fs::read_to_string(&record).expect("record");
    let forged = text.replacen(
        "\"files\": {",
        "\"files\": {\n    \".git/HEAD\": \"sha256:0\",",
        1,
    );
    fs::write(&record, forged).expect("forge");
    let refused = fails(apiforge(root, &["generate", "--force"]));
    assert!(
        refused.contains("lists `.git/HEAD`, which is not a file apiforge generates"),
        "{refused}"
    );
    assert!(crate_dir.join(".git/HEAD").exists());
}

#[test]
fn check_finds_a_stale_crate_and_output_does_not_depend_on_where_it_runs() {
    let project = project();
    let root = project.path();
    succeeds(apiforge(root, &["generate"]));
    let crate_dir = root.join("clients/yat");
    let before = snapshot(&crate_dir);
    succeeds(apiforge(root, &["generate", "--check"]));

    // From another folder of the project (the configuration is found upward), and with the
    // configuration given from outside it: not a byte changes.
    let elsewhere = root.join("clients/yat/src");
    succeeds(apiforge(&elsewhere, &["generate"]));
    assert_eq!(snapshot(&crate_dir), before);
    let outside = tempfile::tempdir().expect("temp dir");
    let config = root.join("apiforge.toml");
    let config = config.to_str().expect("utf-8 path");
    succeeds(apiforge(outside.path(), &["generate", "--config", config]));
    assert_eq!(snapshot(&crate_dir), before);
    succeeds(apiforge(
        outside.path(),
        &["generate", "--check", "--config", config],
    ));
    let lib = String::from_utf8_lossy(&before[Path::new("src/lib.rs")]).into_owned();
    assert!(
        lib.starts_with("// Generated by apiforge from `specs/yat.yaml`. Do not edit by hand: change the spec and run `apiforge generate`.\n"),
        "{lib}"
    );

    // A spec edit makes the crate stale, naming the file; regeneration makes it fresh.
    let spec = root.join("specs/yat.yaml");
    let text = fs::read_to_string(&spec).expect("spec");
    fs::write(
        &spec,
        text.replace("Refreshes access token", "Refreshes the access token"),
    )
    .expect("edit");
    let stale = fails(apiforge(&elsewhere, &["generate", "--check"]));
    assert!(
        stale.contains("stale: clients/yat/src/operations/user_authentication.rs"),
        "{stale}"
    );
    assert!(
        !stale.contains("lib.rs"),
        "only what changed is named: {stale}"
    );
    assert_eq!(snapshot(&crate_dir), before, "--check writes nothing");
    succeeds(apiforge(root, &["generate"]));
    succeeds(apiforge(root, &["generate", "--check"]));
}

#[test]
fn one_document_without_a_configuration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("verbit-client");
    let spec = workspace_spec("verbit.yaml");
    let spec = spec.to_str().expect("utf-8 path");
    let args = [
        "generate",
        spec,
        "--out",
        "verbit-client",
        "--name",
        "verbit-api",
        "--crate-version",
        "3.0.0",
        "--runtime",
        "inline",
    ];
    succeeds(apiforge(dir.path(), &args));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("name = \"verbit-api\""), "{manifest}");
    assert!(manifest.contains("version = \"3.0.0\""), "{manifest}");
    assert!(!manifest.contains("apiforge-runtime"), "inline: {manifest}");
    assert!(manifest.contains("reqwest = "), "{manifest}");
    assert!(out.join("src/runtime/mod.rs").exists());
    let lib = fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs");
    assert!(
        lib.starts_with("// Generated by apiforge from `verbit.yaml`. Do not edit by hand: change the spec and run `apiforge generate verbit.yaml --out verbit-client --name verbit-api --crate-version 3.0.0 --runtime inline`.\n"),
        "the preamble names the file (not the path it was given as) and every option: {lib}"
    );
    let mut check = args.to_vec();
    check.push("--check");
    succeeds(apiforge(dir.path(), &check));

    for (option, value, message) in [
        (
            "--runtime",
            "inlnie",
            "`inlnie` is neither \"inline\" nor a version requirement",
        ),
        (
            "--crate-version",
            "x",
            "`x` is not a version such as `1.2.0`",
        ),
        ("--name", "9lives", "`9lives` is not a crate name"),
        (
            "--unknown-properties",
            "forget",
            "unknown choice `forget`, expected one of `keep`, `drop`",
        ),
    ] {
        let error = fails(apiforge(
            dir.path(),
            &["generate", spec, "--out", "refused", option, value],
        ));
        assert!(
            error.contains(&format!("error: {option}: {message}")),
            "{error}"
        );
        assert!(!dir.path().join("refused").exists());
    }

    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let runtime = format!("path:{}", runtime.display());
    succeeds(apiforge(
        dir.path(),
        &["generate", spec, "--out", "by-path", "--runtime", &runtime],
    ));
    let manifest = fs::read_to_string(dir.path().join("by-path/Cargo.toml")).expect("Cargo.toml");
    let line = manifest
        .lines()
        .find(|line| line.starts_with("apiforge-runtime"))
        .expect("a runtime dependency");
    assert!(
        line.contains("path = \"../"),
        "relative, never absolute: {line}"
    );
    assert!(!line.contains(&*dir.path().to_string_lossy()), "{line}");
}

#[test]
fn configuration_errors_name_the_file_the_line_and_the_key() {
    let cases = [
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nlicence = \"MIT\"\n",
            "unknown field `licence`",
            "apiforge.toml:4:1 at `api.yat.licence`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nversion = 2\n",
            "invalid type: integer `2`, expected a string",
            "apiforge.toml:4:11 at `api.yat.version`",
        ),
        (
            "[api.yat]\nspec = \"specs/nope.yaml\"\nout = \"clients/yat\"\n",
            "the spec `specs/nope.yaml` does not exist",
            "apiforge.toml:2:8 at `api.yat.spec`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\n\n[api.zat]\nspec = \"specs/yat.yaml\"\nout = \"clients/./yat\"\n",
            "`clients/./yat` is, contains or is inside the output folder of `api.yat`",
            "apiforge.toml:7:7 at `api.zat.out`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nruntime = { git = \"https://example.com/apiforge\" }\n",
            "a `git` runtime needs a `rev`",
            "apiforge.toml:4:11 at `api.yat.runtime`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nruntime = { pth = \"x\" }\n",
            "unknown field `pth`",
            "apiforge.toml:4:13 at `api.yat.runtime.pth`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nexclude-tags = [\"a\", 1]\n",
            "invalid type: integer `1`, expected a string",
            "apiforge.toml:4:22 at `api.yat.exclude-tags[1]`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"../elsewhere\"\n",
            "`../elsewhere` is not a folder inside the configuration's folder",
            "apiforge.toml:3:7 at `api.yat.out`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients\"\n\n[api.zat]\nspec = \"specs/yat.yaml\"\nout = \"Clients/Zat\"\n",
            "`Clients/Zat` is, contains or is inside the output folder of `api.yat`",
            "apiforge.toml:7:7 at `api.zat.out`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nversion = \"banana\"\n",
            "`banana` is not a version such as `1.2.0`",
            "apiforge.toml:4:11 at `api.yat.version`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nunknown-properties = \"forget\"\n",
            "unknown choice `forget`, expected one of `keep`, `drop`",
            "apiforge.toml:4:22 at `api.yat.unknown-properties`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nruntime = \"inlined\"\n",
            "`inlined` is neither \"inline\" nor a version requirement",
            "apiforge.toml:4:11 at `api.yat.runtime`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\nkeywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]\n",
            "6 keywords; crates.io takes at most five",
            "apiforge.toml:4:12 at `api.yat.keywords`",
        ),
        (
            "[api.yat]\nspec = \"specs/yat.yaml\"\nout = \"clients/yat\"\ninclude-tags = [\"User Authentication\", \"emoji\"]\n",
            "no operation has the tag `emoji`; tags: User Authentication",
            "apiforge.toml:4:16 at `api.yat.include-tags`",
        ),
    ];
    for (config, message, place) in cases {
        let project = project();
        fs::write(project.path().join("apiforge.toml"), config).expect("config");
        let error = fails(apiforge(project.path(), &["generate"]));
        assert!(error.contains(message), "{config}\n{error}");
        assert!(error.contains(place), "{config}\n{error}");
        assert!(
            !project.path().join("clients").exists(),
            "nothing written: {config}"
        );
    }
    let lonely = tempfile::tempdir().expect("temp dir");
    let error = fails(apiforge(lonely.path(), &["generate"]));
    assert!(error.contains("could not find `apiforge.toml`"), "{error}");
}

#[test]
fn version_names_the_tool() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = apiforge(dir.path(), &["--version"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.trim(),
        format!("apiforge {}", env!("CARGO_PKG_VERSION"))
    );
}

/// The workspace's own crates, which `cargo xtask gen` writes, are exactly what `apiforge`
/// writes from the same configuration: the front ends share one implementation and one
/// command name.
#[test]
fn every_front_end_writes_the_same_bytes() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../apiforge.toml");
    let config = config.to_str().expect("utf-8 path");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    succeeds(apiforge(
        elsewhere.path(),
        &["generate", "--check", "--quiet", "--config", config],
    ));
}

/// A `$ref` reads only inside the configuration's folder (or the roots it names): not an
/// absolute path, not `../` out of it, not through a link that leads out; and the refusal
/// names the place of the `$ref`, not what the file holds.
#[test]
fn refs_stay_inside_their_root() {
    let outer = tempfile::tempdir().expect("temp dir");
    let secret = "SECRET-CONTENTS-42";
    let shared = outer.path().join("shared");
    fs::create_dir_all(&shared).expect("shared");
    fs::write(
        shared.join("pet.yaml"),
        format!("Pet:\n  type: object\n  description: {secret}\n"),
    )
    .expect("outside file");
    let root = outer.path().join("project");
    fs::create_dir_all(root.join("specs")).expect("specs");
    let absolute = shared.join("pet.yaml");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&shared, root.join("specs/linked")).expect("link");
    let cases = [
        (format!("{}#/Pet", absolute.display()), "absolute"),
        ("../../shared/pet.yaml#/Pet".to_owned(), "climbing"),
        ("./linked/pet.yaml#/Pet".to_owned(), "linked"),
        // A file that is not there is refused alike: the answer says nothing of what exists.
        ("../../shared/missing.yaml#/Pet".to_owned(), "missing"),
    ];
    for (reference, case) in cases {
        if case == "linked" && !cfg!(unix) {
            continue;
        }
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /pets:\n    get:\n      operationId: getPet\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{reference}'}}\n"
        );
        fs::write(root.join("specs/api.yaml"), spec).expect("spec");
        fs::write(
            root.join("apiforge.toml"),
            "[api.api]\nspec = \"specs/api.yaml\"\nout = \"clients/api\"\n",
        )
        .expect("config");
        let error = fails(apiforge(&root, &["generate"]));
        assert!(error.contains("refused: it is outside"), "{case}: {error}");
        assert!(
            error.contains("specs/api.yaml:12:15 at #/paths/~1pets/get/responses/200/content/application~1json/schema"),
            "{case}: {error}"
        );
        assert!(!error.contains(secret), "{case}: {error}");
        assert!(!root.join("clients").exists(), "{case}");
    }

    // Named as a root, the shared folder may be read.
    fs::write(
        root.join("specs/api.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: getPet\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '../../shared/pet.yaml#/Pet'}\n",
    )
    .expect("spec");
    fs::write(
        root.join("apiforge.toml"),
        "[api.api]\nspec = \"specs/api.yaml\"\nout = \"clients/api\"\nref-roots = [\"../shared\"]\n",
    )
    .expect("config");
    succeeds(apiforge(&root, &["generate"]));
    let pet = fs::read_to_string(root.join("clients/api/src/types/pet.rs")).expect("pet");
    assert!(pet.contains(secret), "the named root's file is used");
}

/// A document with three independent mistakes gives all three in one run, in the order of
/// their lines, then a count; the command fails and writes nothing.
#[test]
fn every_error_of_a_document_is_printed_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("three.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n  /b:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\ncomponents:\n  schemas:\n    Bad:\n      required: yes\n",
    )
    .expect("spec");
    let text = fails(apiforge(
        dir.path(),
        &["generate", "three.yaml", "--out", "made/three"],
    ));
    let places: Vec<&str> = text
        .lines()
        .filter(|line| line.trim_start().starts_with("--> three.yaml"))
        .collect();
    assert_eq!(
        places,
        [
            "  --> three.yaml:6:7 at #/paths/~1a/get/responses",
            "  --> three.yaml:14:15 at #/paths/~1b/get/responses/200/content/application~1json/schema",
            "  --> three.yaml:17:5 at #/components/schemas/Bad",
        ],
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("error: could not generate from three.yaml: 3 errors"),
        "{text}"
    );
    assert!(
        !dir.path().join("made").exists(),
        "nothing is written, not even the folder it would go in"
    );
}
