//! The generated crate's `Cargo.toml`.

use super::preamble;
use crate::ir::{Api, Package};
use crate::naming::STANDALONE_TYPES_FEATURE;
use crate::settings::Runtime;

/// `Cargo.toml`: the runtime (or its dependencies, when inlined), serde, and only the other
/// crates the types need.
pub(super) fn cargo_toml(api: &Api, package: &Package) -> String {
    let manifest = &package.manifest;
    let mut out = format!("{}\n", preamble(api, "#"));
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(&api.crate_name)));
    out.push_str(&format!("version = {}\n", toml_string(&api.crate_version)));
    out.push_str("edition = \"2024\"\n");
    // The oldest Rust the generated code and the runtime build with (the workspace's own).
    out.push_str("rust-version = \"1.85\"\n");
    for (key, value) in [
        ("description", &manifest.description),
        ("license", &manifest.license),
        ("repository", &manifest.repository),
        ("homepage", &manifest.homepage),
        ("documentation", &manifest.documentation),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    for (key, values) in [
        ("authors", &manifest.authors),
        ("keywords", &manifest.keywords),
        ("categories", &manifest.categories),
    ] {
        if !values.is_empty() {
            out.push_str(&format!("{key} = {}\n", toml_array(values)));
        }
    }
    out.push_str("readme = \"README.md\"\n");
    if manifest.publish_false {
        out.push_str("publish = false\n");
    }
    out.push_str("\n[dependencies]\n");
    let mut dependencies: Vec<(&str, String)> = Vec::new();
    match &package.runtime {
        Runtime::Version(requirement) => {
            dependencies.push(("apiforge-runtime", toml_string(requirement)));
        }
        Runtime::Path(path) => dependencies.push((
            "apiforge-runtime",
            format!(
                "{{ version = {}, path = {} }}",
                toml_string(crate::settings::RUNTIME_REQUIREMENT),
                toml_string(path)
            ),
        )),
        Runtime::Git { url, rev } => dependencies.push((
            "apiforge-runtime",
            format!(
                "{{ git = {}, rev = {} }}",
                toml_string(url),
                toml_string(rev)
            ),
        )),
        Runtime::Inline => {
            for (name, spec) in INLINE_RUNTIME_DEPENDENCIES {
                dependencies.push((name, (*spec).to_owned()));
            }
        }
    }
    if api.dependencies.chrono {
        dependencies.push((
            "chrono",
            "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }"
                .to_owned(),
        ));
    }
    if !dependencies.iter().any(|(name, _)| *name == "serde") {
        dependencies.push((
            "serde",
            "{ version = \"1.0.181\", features = [\"derive\"] }".to_owned(),
        ));
    }
    if api.dependencies.serde_json && !dependencies.iter().any(|(name, _)| *name == "serde_json") {
        dependencies.push(("serde_json", "\"1\"".to_owned()));
    }
    if api.dependencies.uuid {
        let types_need = "{ version = \"1\", features = [\"serde\"] }";
        match dependencies.iter_mut().find(|(name, _)| *name == "uuid") {
            // The inline runtime's own entry: the types need `serde` besides.
            Some((_, spec)) => {
                *spec = "{ version = \"1\", features = [\"serde\", \"v4\"] }".to_owned()
            }
            None => dependencies.push(("uuid", types_need.to_owned())),
        }
    }
    dependencies.sort_by(|a, b| a.0.cmp(b.0));
    for (name, spec) in dependencies {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    // One feature per operation module, all on by default: a large API can be built partially.
    let standalone = api
        .types
        .iter()
        .any(|def| def.features.iter().any(|f| f == STANDALONE_TYPES_FEATURE));
    let mut features: Vec<String> = api.modules.iter().map(|m| toml_string(&m.ident)).collect();
    if standalone {
        features.push(toml_string(STANDALONE_TYPES_FEATURE));
    }
    out.push_str("\n[features]\n");
    out.push_str(&format!("default = [{}]\n", features.join(", ")));
    for module in &api.modules {
        // Module names are snake_case ASCII, which TOML takes as bare keys.
        out.push_str(&format!("{} = []\n", module.ident));
    }
    if standalone {
        out.push_str(
            "# The types of the spec's schemas that no operation uses (webhook payloads, say).\n",
        );
        out.push_str(&format!("{STANDALONE_TYPES_FEATURE} = []\n"));
    }
    out.push_str(
        "# `send_blocking()` and `send_with_info_blocking()` on every request, for synchronous code.\n",
    );
    if package.runtime == Runtime::Inline {
        out.push_str("blocking = [\"tokio/rt-multi-thread\"]\n");
    } else {
        out.push_str("blocking = [\"apiforge-runtime/blocking\"]\n");
    }
    if package.standalone {
        out.push_str(
            "\n# Its own workspace, so the crate builds on its own wherever it is put.\n[workspace]\n",
        );
    }
    out
}

/// The runtime's own dependencies, which a crate carrying the runtime inline takes on: the
/// same crates and features as `runtime/Cargo.toml` (serde's `derive` is the generated types').
const INLINE_RUNTIME_DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", "\"1\""),
    ("futures-core", "\"0.3\""),
    ("httpdate", "\"1\""),
    ("percent-encoding", "\"2\""),
    (
        "reqwest",
        "{ version = \"0.12\", default-features = false, features = [\"rustls-tls-native-roots\", \"multipart\", \"http2\", \"stream\"] }",
    ),
    (
        "serde",
        "{ version = \"1.0.181\", features = [\"derive\"] }",
    ),
    ("serde_json", "\"1\""),
    ("thiserror", "\"2\""),
    (
        "tokio",
        "{ version = \"1\", default-features = false, features = [\"rt\", \"sync\", \"time\", \"fs\"] }",
    ),
    (
        "tracing",
        "{ version = \"0.1\", default-features = false, features = [\"std\"] }",
    ),
    ("url", "\"2\""),
    ("uuid", "{ version = \"1\", features = [\"v4\"] }"),
];

/// A TOML array of basic strings.
fn toml_array(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|value| toml_string(value)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
