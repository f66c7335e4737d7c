//! File-system steps that never leave a crate half-written.

use std::fs;
use std::path::{Path, PathBuf};

use apiforge_generator::GeneratedFile;

/// Replaces `dir` with exactly `files`, or leaves it as it was.
///
/// The crate is written to a sibling temporary directory first and swapped in by renames, so
/// a failure at any point leaves either the old crate or the new one, never a mix.
pub fn replace_dir(dir: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .ok_or_else(|| format!("error: `{}` has no directory name", dir.display()))?
        .to_string_lossy()
        .into_owned();
    fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    let staging = parent.join(format!(".{name}.apiforge-new"));
    let backup = parent.join(format!(".{name}.apiforge-old"));
    for leftover in [&staging, &backup] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(|e| io_error(leftover, &e))?;
        }
    }
    let written = write_tree(&staging, files);
    if let Err(error) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    if dir.exists() {
        fs::rename(dir, &backup).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            io_error(dir, &e)
        })?;
    }
    if let Err(error) = fs::rename(&staging, dir) {
        if backup.exists() {
            let _ = fs::rename(&backup, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(io_error(dir, &error));
    }
    if backup.exists() {
        fs::remove_dir_all(&backup).map_err(|e| io_error(&backup, &e))?;
    }
    Ok(())
}

fn write_tree(root: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    for file in files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        fs::write(&path, &file.contents).map_err(|e| io_error(&path, &e))?;
    }
    Ok(())
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
pub fn list_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let entries = fs::read_dir(&at).map_err(|e| io_error(&at, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&at, &e))?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

pub fn io_error(path: &Path, error: &std::io::Error) -> String {
    format!("error: {}: {error}", path.display())
}
