//! `apiforge.toml`: found from the current directory upward, as Cargo finds its manifest, and
//! read into one [`ApiConfig`] per API. Every mistake is reported with the file, the line and
//! column, and the key (`api.pets.version`).
//!
//! ```toml
//! [api.pets]
//! spec = "specs/pets.yaml"          # paths are relative to this file
//! out = "crates/pets"
//! name = "pets-client"              # default: the table's name
//! version = "1.2.0"
//! license = "MIT"
//! runtime = "inline"                # or "0.1", { path = "..." }, { git = "...", rev = "..." }
//! include-tags = ["pets"]
//! derives = ["PartialEq"]
//! unknown-properties = "drop"       # default "keep"
//! replace = { Money = "::rust_decimal::Decimal" }
//! pagination = { listTasks = { style = "cursor", param = "after", next = "paging.after" } }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use apiforge_generator::{
    Layout, Manifest, RUNTIME_REQUIREMENT, Runtime, Selection, Setting, Settings, UnknownProperties,
};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;

use crate::Error;
use crate::names::{
    check_crate_name, check_keywords, check_requirement, check_version, crate_name_from,
};
use crate::paths::{normalize, relative_to_crate, slash_path};

/// The configuration file's name.
pub const CONFIG_FILE: &str = "apiforge.toml";

/// The command generated files name, unless the configuration's `command` says otherwise.
pub const DEFAULT_COMMAND: &str = "apiforge generate";

/// A read and checked `apiforge.toml`. Each API's preambles say to run its top-level `command`
/// (`apiforge generate` unless it says otherwise), whichever front end generates it, so that
/// every front end writes the same bytes.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file, as it was found.
    pub path: PathBuf,
    /// The APIs, sorted by table name.
    pub apis: Vec<ApiConfig>,
}

/// One `[api.<name>]` table.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// The table's name (`pets` for `[api.pets]`).
    pub key: String,
    /// Where the document's path starts: the configuration's folder.
    pub base: PathBuf,
    /// The document, relative to `base`, as messages name it.
    pub spec: String,
    /// The folder the crate is written to.
    pub out: PathBuf,
    /// The folder as written in the configuration (`crates/pets`), for messages.
    pub out_display: String,
    /// Everything else: the crate's identity, manifest, runtime, selection and types. Its
    /// `regenerate_command` is the front end's to set.
    pub settings: Settings,
    /// The folders `$ref`s may read files from: the configuration's folder and those its
    /// `ref-roots` name (for a single document, the document's folder and `--ref-root`s).
    pub ref_roots: Vec<PathBuf>,
    /// Where the configuration sets each setting the generator checks against the document
    /// (`apiforge.toml:9:16 at `api.pets.include-tags``), for its errors.
    pub setting_places: BTreeMap<Setting, String>,
}

/// The options of `apiforge generate SPEC --out DIR`, as the user gave them.
#[derive(Clone, Copy, Debug, Default)]
pub struct SingleOptions<'a> {
    /// `--name`: the crate's name (default: from the file's name).
    pub name: Option<&'a str>,
    /// `--crate-version`.
    pub crate_version: Option<&'a str>,
    /// `--runtime`: `inline`, a version requirement, `path:DIR` or `git:URL#REV`.
    pub runtime: Option<&'a str>,
    /// `--ref-root`: folders besides the document's own that its `$ref`s may read.
    pub ref_roots: &'a [PathBuf],
    /// `--unknown-properties`: `keep` (the default) or `drop`.
    pub unknown_properties: Option<&'a str>,
}

impl ApiConfig {
    /// One document to one folder, without a configuration (`apiforge generate SPEC --out
    /// DIR`): the crate is named after the file unless `options` name it, and generated files
    /// name the document by its file name only, so the output is the same wherever the command
    /// runs. They tell their reader to run `command` (`apiforge generate`) with the file, the
    /// output folder's name and the options given. A `path:` runtime is relative to `cwd`.
    pub fn single(
        spec: &Path,
        out: &Path,
        command: &str,
        options: SingleOptions<'_>,
        cwd: &Path,
    ) -> Result<ApiConfig, Error> {
        let file_name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let out_name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut settings = Settings::new(crate_name_from(&stem));
        settings.source = file_name.clone();
        let mut command = format!("{command} {file_name} --out {out_name}");
        let fail =
            |option: &str, problem: String| Error::new(format!("error: {option}: {problem}"));
        if let Some(name) = options.name {
            check_crate_name(name).map_err(|p| fail("--name", p))?;
            settings.crate_name = name.to_owned();
            command.push_str(&format!(" --name {name}"));
        }
        if let Some(version) = options.crate_version {
            check_version(version).map_err(|p| fail("--crate-version", p))?;
            settings.crate_version = version.to_owned();
            command.push_str(&format!(" --crate-version {version}"));
        }
        if let Some(choice) = options.unknown_properties {
            settings.unknown_properties =
                UnknownProperties::parse(choice).map_err(|p| fail("--unknown-properties", p))?;
            command.push_str(&format!(" --unknown-properties {choice}"));
        }
        let mut api = ApiConfig {
            key: settings.crate_name.clone(),
            base: PathBuf::new(),
            spec: spec.to_string_lossy().into_owned(),
            out: out.to_path_buf(),
            out_display: slash_path(out),
            settings,
            ref_roots: Vec::new(),
            setting_places: BTreeMap::new(),
        };
        if let Some(runtime) = options.runtime {
            api.settings.runtime = match runtime {
                "inline" => Runtime::Inline,
                _ => {
                    if let Some(dir) = runtime.strip_prefix("path:") {
                        api.runtime_at(cwd, Path::new(dir))?;
                        api.settings.runtime.clone()
                    } else if let Some(git) = runtime.strip_prefix("git:") {
                        let (url, rev) = git.rsplit_once('#').ok_or_else(|| {
                            fail(
                                "--runtime",
                                "`git:URL#REV` needs a revision after `#`".to_owned(),
                            )
                        })?;
                        Runtime::Git {
                            url: url.to_owned(),
                            rev: rev.to_owned(),
                        }
                    } else {
                        check_requirement(runtime).map_err(|p| fail("--runtime", p))?;
                        Runtime::Version(runtime.to_owned())
                    }
                }
            };
            command.push_str(&format!(" --runtime {runtime}"));
        }
        if !options.ref_roots.is_empty() {
            api.ref_roots = options
                .ref_roots
                .iter()
                .map(|root| cwd.join(root))
                .collect();
            // Naming other folders does not take the document's own away.
            api.ref_roots
                .push(cwd.join(spec.parent().unwrap_or(Path::new(""))));
            for root in options.ref_roots {
                command.push_str(&format!(" --ref-root {}", slash_path(root)));
            }
        }
        api.settings.regenerate_command = command;
        Ok(api)
    }

    /// Depends on the runtime in the folder `runtime` (it and the output folder relative to
    /// `cwd`), through a path relative to the crate.
    pub fn runtime_at(&mut self, cwd: &Path, runtime: &Path) -> Result<(), Error> {
        let runtime = normalize(&cwd.join(runtime));
        let out = normalize(&cwd.join(&self.out));
        let relative = pathdiff::diff_paths(&runtime, &out).ok_or_else(|| {
            Error::new(format!(
                "error: no relative path from `{}` to `{}`",
                out.display(),
                runtime.display()
            ))
        })?;
        self.settings.runtime = Runtime::Path(slash_path(&relative));
        Ok(())
    }
}

/// Walks up from `start` to the first folder holding an `apiforge.toml`.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|candidate| candidate.is_file())
}

/// Reads and checks the configuration at `path`.
pub fn load(path: &Path) -> Result<Config, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(format!("error: cannot read {}: {e}", path.display())))?;
    parse(path, &text)
}

/// Checks the configuration `text`, read from `path` (its folder is where relative paths
/// start).
pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
    let at = |span: std::ops::Range<usize>, key: &str, message: String| {
        let (line, column) = line_column(text, span.start);
        Error::new(format!(
            "error: {message}\n  --> {}:{line}:{column} at `{key}`",
            path.display()
        ))
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|error| {
        at(
            error.span().unwrap_or(0..0),
            "(document)",
            format!("invalid TOML: {}", error.message()),
        )
    })?;
    let mut raw: RawConfig = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        // `toml::Spanned` values add toml's private field to the path; the user wrote none.
        let key = error
            .path()
            .to_string()
            .replace(".$__serde_spanned_private_value", "");
        let inner = error.into_inner();
        at(
            inner.span().unwrap_or(0..0),
            &key,
            inner.message().to_owned(),
        )
    })?;

    let base = path.parent().unwrap_or(Path::new(""));
    let mut apis: Vec<ApiConfig> = Vec::new();
    let mut outs: Vec<(PathBuf, String)> = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for (key, api) in std::mem::take(&mut raw.api) {
        let table = format!("api.{key}");
        let spec = base.join(api.spec.as_ref());
        if !spec.is_file() {
            return Err(at(
                api.spec.span(),
                &format!("{table}.spec"),
                format!("the spec `{}` does not exist", api.spec.as_ref()),
            ));
        }
        let out_relative = normalize(Path::new(api.out.as_ref()));
        let inside = out_relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if out_relative.as_os_str().is_empty() || !inside {
            return Err(at(
                api.out.span(),
                &format!("{table}.out"),
                format!(
                    "`{}` is not a folder inside the configuration's folder; `out` must be one, so that a configuration never writes elsewhere",
                    api.out.as_ref()
                ),
            ));
        }
        // Compared without case: on the file systems that ignore it, `Pets` and `pets` are one
        // folder, and each API would take the other's files for its own.
        let folded = PathBuf::from(slash_path(&out_relative).to_lowercase());
        let overlap = outs
            .iter()
            .find(|(out, _)| out.starts_with(&folded) || folded.starts_with(out));
        if let Some((_, other)) = overlap {
            return Err(at(
                api.out.span(),
                &format!("{table}.out"),
                format!(
                    "`{}` is, contains or is inside the output folder of `{other}`; each API needs a folder of its own",
                    api.out.as_ref()
                ),
            ));
        }
        outs.push((folded, table.clone()));

        let (name, name_span, name_key) = match &api.name {
            Some(name) => (name.as_ref().clone(), name.span(), format!("{table}.name")),
            // The table's name has no span of its own here; its first key is close by.
            None => (key.clone(), api.spec.span(), table.clone()),
        };
        if let Err(problem) = check_crate_name(&name) {
            return Err(at(name_span, &name_key, problem));
        }
        if let Some((_, other)) = names.iter().find(|(n, _)| *n == name) {
            return Err(at(
                name_span,
                &name_key,
                format!("`{other}` already generates the crate `{name}`; set a different `name`"),
            ));
        }
        names.push((name.clone(), table.clone()));

        let runtime = match &api.runtime {
            None => Runtime::Version(RUNTIME_REQUIREMENT.to_owned()),
            Some(spanned) => runtime(spanned.as_ref(), &out_relative)
                .map_err(|problem| at(spanned.span(), &format!("{table}.runtime"), problem))?,
        };

        if let Some(version) = &api.version {
            if let Err(problem) = check_version(version.as_ref()) {
                return Err(at(version.span(), &format!("{table}.version"), problem));
            }
        }
        if let Some(keywords) = &api.keywords {
            if let Err(problem) = check_keywords(keywords.as_ref()) {
                return Err(at(keywords.span(), &format!("{table}.keywords"), problem));
            }
        }

        let mut settings = Settings::new(name);
        settings.regenerate_command = raw
            .command
            .clone()
            .unwrap_or_else(|| DEFAULT_COMMAND.to_owned());
        let spec_display = slash_path(&normalize(Path::new(api.spec.as_ref())));
        settings.source = spec_display.clone();
        if let Some(version) = api.version {
            settings.crate_version = version.into_inner();
        }
        settings.manifest = Manifest {
            description: api.description,
            license: api.license,
            repository: api.repository,
            homepage: api.homepage,
            documentation: api.documentation,
            authors: api.authors,
            keywords: api.keywords.map(Spanned::into_inner).unwrap_or_default(),
            categories: api.categories,
            publish_false: !api.publish,
        };
        settings.runtime = runtime;
        settings.layout = Layout::Crate {
            standalone: !api.workspace_member,
        };
        // Where each setting the generator may find wrong about the document is written.
        let mut setting_places = BTreeMap::new();
        let mut place = |setting: Setting, key: &str, span: std::ops::Range<usize>| {
            let (line, column) = line_column(text, span.start);
            setting_places.insert(
                setting,
                format!("{}:{line}:{column} at `{table}.{key}`", path.display()),
            );
        };
        let mut list = |setting, key, value: Option<Spanned<Vec<String>>>| {
            value.map_or_else(Vec::new, |value| {
                place(setting, key, value.span());
                value.into_inner()
            })
        };
        settings.operations = Selection {
            include_tags: list(Setting::IncludeTags, "include-tags", api.include_tags),
            exclude_tags: list(Setting::ExcludeTags, "exclude-tags", api.exclude_tags),
            include_operations: list(
                Setting::IncludeOperations,
                "include-operations",
                api.include_operations,
            ),
            exclude_operations: list(
                Setting::ExcludeOperations,
                "exclude-operations",
                api.exclude_operations,
            ),
        };
        settings.extra_derives = list(Setting::ExtraDerives, "derives", api.derives);
        if let Some(choice) = &api.unknown_properties {
            settings.unknown_properties = UnknownProperties::parse(choice.as_ref())
                .map_err(|p| at(choice.span(), &format!("{table}.unknown-properties"), p))?;
        }
        if let Some(replace) = api.replace {
            place(Setting::TypeReplacements, "replace", replace.span());
            settings.type_replacements = replace.into_inner();
        }
        if let Some(pagination) = api.pagination {
            place(Setting::Pagination, "pagination", pagination.span());
            let span = pagination.span();
            for (operation, value) in pagination.into_inner() {
                let value = serde_json::to_value(value).map_err(|error| {
                    at(
                        span.clone(),
                        &format!("{table}.pagination.{operation}"),
                        error.to_string(),
                    )
                })?;
                settings.pagination.insert(operation, value);
            }
        }
        let mut ref_roots = vec![base.to_path_buf()];
        for root in &api.ref_roots {
            let folder = base.join(root.as_ref());
            if !folder.is_dir() {
                return Err(at(
                    root.span(),
                    &format!("{table}.ref-roots"),
                    format!("`{}` is not a folder", root.as_ref()),
                ));
            }
            ref_roots.push(folder);
        }
        apis.push(ApiConfig {
            key,
            base: base.to_path_buf(),
            spec: spec_display,
            out: base.join(&out_relative),
            out_display: slash_path(&out_relative),
            settings,
            ref_roots,
            setting_places,
        });
    }
    Ok(Config {
        path: path.to_path_buf(),
        apis,
    })
}

/// The runtime dependency a `runtime` value asks for; a `path` is made relative to the crate.
fn runtime(raw: &RawRuntime, out: &Path) -> Result<Runtime, String> {
    Ok(match raw {
        RawRuntime::Short(text) if text == "inline" => Runtime::Inline,
        RawRuntime::Short(requirement)
        | RawRuntime::Table {
            version: Some(requirement),
            path: None,
            git: None,
            rev: None,
        } => {
            check_requirement(requirement)?;
            Runtime::Version(requirement.clone())
        }
        RawRuntime::Table {
            version: None,
            path: Some(path),
            git: None,
            rev: None,
        } => Runtime::Path(relative_to_crate(Path::new(path), out)?),
        RawRuntime::Table {
            version: None,
            path: None,
            git: Some(url),
            rev: Some(rev),
        } => Runtime::Git {
            url: url.clone(),
            rev: rev.clone(),
        },
        RawRuntime::Table { git: Some(_), .. } => {
            return Err(
                "a `git` runtime needs a `rev` (a commit, tag or branch), and nothing else"
                    .to_owned(),
            );
        }
        RawRuntime::Table { .. } => {
            return Err(
                "`runtime` takes one of `version`, `path`, or `git` with `rev`; or the string \"inline\""
                    .to_owned(),
            );
        }
    })
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// The command generated files tell their reader to run.
    command: Option<String>,
    #[serde(default)]
    api: BTreeMap<String, RawApi>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawApi {
    spec: Spanned<String>,
    out: Spanned<String>,
    name: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    description: Option<String>,
    license: Option<String>,
    repository: Option<String>,
    homepage: Option<String>,
    documentation: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    keywords: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default = "published_by_default")]
    publish: bool,
    runtime: Option<Spanned<RawRuntime>>,
    /// `workspace = true`: the crate is a member of an enclosing workspace, so it gets no
    /// `[workspace]` table of its own.
    #[serde(default, rename = "workspace")]
    workspace_member: bool,
    include_tags: Option<Spanned<Vec<String>>>,
    exclude_tags: Option<Spanned<Vec<String>>>,
    include_operations: Option<Spanned<Vec<String>>>,
    exclude_operations: Option<Spanned<Vec<String>>>,
    replace: Option<Spanned<BTreeMap<String, String>>>,
    derives: Option<Spanned<Vec<String>>>,
    /// Per `operationId`, what its `x-apiforge-pagination` would say.
    pagination: Option<Spanned<BTreeMap<String, toml::Value>>>,
    /// `keep` or `drop` the properties a schema without `additionalProperties` does not
    /// declare.
    unknown_properties: Option<Spanned<String>>,
    /// Folders besides the configuration's own that `$ref`s may read.
    #[serde(default)]
    ref_roots: Vec<Spanned<String>>,
}

/// Crates may be published unless the configuration says otherwise, as in Cargo.
fn published_by_default() -> bool {
    true
}

/// `runtime = "inline"`, `runtime = "0.1"`, or a table.
enum RawRuntime {
    Short(String),
    Table {
        version: Option<String>,
        path: Option<String>,
        git: Option<String>,
        rev: Option<String>,
    },
}

impl<'de> Deserialize<'de> for RawRuntime {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            version: Option<String>,
            path: Option<String>,
            git: Option<String>,
            rev: Option<String>,
        }

        struct RuntimeVisitor;

        impl<'de> Visitor<'de> for RuntimeVisitor {
            type Value = RawRuntime;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"inline\", a version requirement, or a table with `version`, `path`, or `git` and `rev`")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawRuntime, E> {
                Ok(RawRuntime::Short(text.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRuntime, A::Error> {
                let table = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawRuntime::Table {
                    version: table.version,
                    path: table.path,
                    git: table.git,
                    rev: table.rev,
                })
            }
        }

        deserializer.deserialize_any(RuntimeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one() {
        assert_eq!(line_column("a\nbc = 1\n", 5), (2, 4));
        assert_eq!(line_column("x", 0), (1, 1));
    }
}
