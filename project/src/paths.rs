//! Paths as apiforge writes them into manifests and messages: lexically normalised, with `/`
//! separators, and relative to the crate, so that nothing depends on where a checkout is.

use std::path::{Component, Path, PathBuf};

/// `runtime`, given relative to the configuration, as a path relative to the crate at `out`
/// (also relative to the configuration). Absolute paths are refused: they would not build on
/// another machine.
pub(crate) fn relative_to_crate(runtime: &Path, out: &Path) -> Result<String, String> {
    if runtime.is_absolute() {
        return Err(format!(
            "the runtime path `{}` is absolute; give it relative to apiforge.toml so the crate builds on another checkout",
            runtime.display()
        ));
    }
    let runtime = normalize(runtime);
    let out = normalize(out);
    if out.components().any(|c| c == Component::ParentDir) {
        // Going up from a crate that is itself above the configuration needs to know real
        // folder names, which a lexical difference does not.
        return Err(format!(
            "the output folder `{}` is outside the configuration's folder; a runtime `path` needs both below it",
            out.display()
        ));
    }
    let relative = pathdiff::diff_paths(&runtime, &out).ok_or_else(|| {
        format!(
            "no relative path from `{}` to `{}`",
            out.display(),
            runtime.display()
        )
    })?;
    Ok(slash_path(&relative))
}

/// `path` without `.` components and with `a/..` pairs removed, lexically.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A relative path with `/` separators, as written in manifests and preambles everywhere.
pub(crate) fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::RootDir => out.push('/'),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runtime_path_is_relative_to_the_crate() {
        assert_eq!(
            relative_to_crate(Path::new("runtime"), Path::new("generated/pets")),
            Ok("../../runtime".to_owned())
        );
        assert_eq!(
            relative_to_crate(Path::new("./vendor/../runtime"), Path::new("crates/./pets")),
            Ok("../../runtime".to_owned())
        );
        assert!(relative_to_crate(Path::new("/opt/runtime"), Path::new("pets")).is_err());
    }

    #[test]
    fn absolute_paths_keep_one_leading_slash() {
        assert_eq!(slash_path(Path::new("/tmp/x/y")), "/tmp/x/y");
        assert_eq!(slash_path(Path::new("a/b")), "a/b");
    }
}
