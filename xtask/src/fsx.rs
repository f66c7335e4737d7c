//! File-system helpers of the measuring commands: listing a crate's files, error messages.

use std::fs;
use std::path::{Path, PathBuf};

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
