//! Writing a generated crate into a folder that may hold other people's files, and checking
//! one for freshness. Only files the folder's record lists are ever replaced or removed.
//!
//! A new folder is written beside its place, each file as soon as generation makes it
//! ([`NewCrate`]), and renamed into it. An existing one is updated
//! through a staging folder inside it: every new file is written there first, then each is
//! renamed over its old version (which is kept aside), and if any step fails, every file put
//! in place so far goes back to what it was. Either the whole new crate is there, or the old
//! one is.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use apiforge_generator::GeneratedFile;
use rayon::prelude::*;

use crate::Error;
use crate::record::{RECORD_FILE, Record, hash};

/// The folder, inside a crate, where new files wait to be renamed into place.
const STAGING: &str = ".apiforge-staging";

/// What a write changed, for progress lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written because they were new or different.
    pub changed: Vec<String>,
    /// Files removed because the crate no longer has them.
    pub removed: Vec<String>,
}

/// One way a folder differs from what generation gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// The file's contents differ.
    Changed(String),
    /// The file is not there.
    Missing(String),
    /// apiforge wrote the file, and the crate no longer has it.
    Extra(String),
    /// The folder has files but no record: it is not apiforge's.
    NotGenerated,
}

/// Writes `files` (and the record of them) into `dir`, replacing and removing only files the
/// folder's record lists. Files someone edited since they were generated, and files of
/// someone else's at a path apiforge wants, stop the write unless `force` is set.
pub fn write_crate(dir: &Path, files: &[GeneratedFile], force: bool) -> Result<Written, Error> {
    if !dir.exists() {
        let new_crate = NewCrate::start(dir)?;
        // On all threads: a big API's crate is thousands of files. A failed write stops the
        // others, and `finish` names it.
        let _ = files.par_iter().try_for_each(|file| new_crate.write(file));
        return new_crate.finish(files);
    }
    let record = Record::of(files).to_file();
    let all: Vec<&GeneratedFile> = files.iter().chain([&record]).collect();
    let Some(old) = Record::read(dir)? else {
        if is_empty_dir(dir)? {
            return write_into(dir, &all, &[]);
        }
        return Err(Error::new(format!(
            "error: `{}` has files apiforge did not write, and no record of its own ({RECORD_FILE}); refusing to write into it\n  = note: generate into a new or empty folder",
            dir.display()
        )));
    };

    // By path: a big API has thousands of files, and looking each up in the list would be
    // quadratic.
    let by_path: HashMap<&str, &str> = all
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    // Each recorded file is read and hashed on all threads (a big API's crate is thousands of
    // files), and the answers are taken in the record's order.
    let recorded: Vec<(&String, &String)> = old.files.iter().collect();
    let edited_since: Vec<Result<Option<String>, Error>> = recorded
        .par_iter()
        .map(|&(path, recorded)| {
            let Some(on_disk) = read_normalized(&dir.join(path))? else {
                return Ok(None);
            };
            let wanted = by_path.get(path.as_str()).copied();
            let edited = hash(on_disk.as_bytes()) != *recorded && wanted != Some(on_disk.as_str());
            Ok(edited.then(|| format!("{path} (edited since it was generated)")))
        })
        .collect();
    let mut edited = Vec::new();
    for answer in edited_since {
        edited.extend(answer?);
    }
    for file in &all {
        if file.path == RECORD_FILE || old.files.contains_key(&file.path) {
            continue;
        }
        if let Some(on_disk) = read_normalized(&dir.join(&file.path))? {
            if on_disk != file.contents {
                edited.push(format!("{} (not written by apiforge)", file.path));
            }
        }
    }
    if !edited.is_empty() && !force {
        return Err(Error::new(format!(
            "error: would overwrite files in `{}` that apiforge did not write as they are:\n{}\n  = note: move your changes elsewhere, or pass --force to replace these files",
            dir.display(),
            edited
                .iter()
                .map(|f| format!("  {f}"))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    let removed: Vec<String> = old
        .files
        .keys()
        .filter(|path| !by_path.contains_key(path.as_str()))
        .filter(|path| dir.join(path).exists())
        .cloned()
        .collect();
    write_into(dir, &all, &removed)
}

/// Compares `dir` with `files` and the record of them: what would `write_crate` change?
pub fn check_crate(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<Stale>, Error> {
    let mut all = files.to_vec();
    all.push(Record::of(files).to_file());
    let mut stale = Vec::new();
    let old = if dir.exists() {
        Record::read(dir)?
    } else {
        None
    };
    if old.is_none() && dir.exists() && !is_empty_dir(dir)? {
        stale.push(Stale::NotGenerated);
    }
    for file in &all {
        match read_normalized(&dir.join(&file.path))? {
            None => stale.push(Stale::Missing(file.path.clone())),
            Some(on_disk) if on_disk != file.contents => {
                stale.push(Stale::Changed(file.path.clone()));
            }
            Some(_) => {}
        }
    }
    if let Some(old) = old {
        for path in old.files.keys() {
            if !all.iter().any(|f| f.path == *path) && dir.join(path).exists() {
                stale.push(Stale::Extra(path.clone()));
            }
        }
    }
    Ok(stale)
}

/// Removes the files the record in `dir` lists and nobody edited, then the record if nothing
/// it lists is left, and folders left empty; every other file stays (and so does `dir`, if
/// any does). For crates whose API left the configuration.
pub fn remove_crate(dir: &Path) -> Result<Vec<String>, Error> {
    let Some(record) = Record::read(dir)? else {
        return Ok(Vec::new());
    };
    for path in record.files.keys() {
        refuse_links(dir, path)?;
    }
    let mut removed = Vec::new();
    let mut kept = false;
    for (path, recorded) in &record.files {
        let file = dir.join(path);
        match read_normalized(&file)? {
            Some(text) if hash(text.as_bytes()) == *recorded => {
                fs::remove_file(&file).map_err(|e| Error::io(&file, &e))?;
                remove_empty_parents(dir, &file);
                removed.push(path.clone());
            }
            Some(_) => kept = true,
            None => {}
        }
    }
    if !kept {
        let file = dir.join(RECORD_FILE);
        fs::remove_file(&file).map_err(|e| Error::io(&file, &e))?;
    }
    if is_empty_dir(dir)? {
        fs::remove_dir(dir).map_err(|e| Error::io(dir, &e))?;
    }
    Ok(removed)
}

/// A crate being written into a folder that does not exist yet, file by file as generation
/// makes them ([`apiforge_generator::generate_into`]): into a folder beside it, renamed into
/// place once every file and the record are there. Dropped unfinished (generation failed, a
/// write failed), it removes what it wrote: either the whole crate is there, or nothing is.
pub struct NewCrate {
    dir: PathBuf,
    staging: PathBuf,
    /// The folders made inside `staging` so far, each made once.
    folders: Mutex<BTreeSet<PathBuf>>,
    /// The first write that failed, which stopped generation.
    failure: Mutex<Option<Error>>,
    /// How many of the folders `dir` is in did not exist before.
    made_parents: usize,
    finished: bool,
}

impl NewCrate {
    /// Starts a crate for `dir`, which must not exist yet.
    pub fn start(dir: &Path) -> Result<NewCrate, Error> {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dir
            .file_name()
            .ok_or_else(|| Error::new(format!("error: `{}` has no folder name", dir.display())))?
            .to_string_lossy()
            .into_owned();
        // The folders made for it go again if it is never finished.
        let made_parents = parent
            .ancestors()
            .take_while(|folder| !folder.as_os_str().is_empty() && !folder.exists())
            .count();
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
        let staging = parent.join(format!(".{name}.apiforge-new"));
        // A leftover of an interrupted run is apiforge's only if it holds a record, which is
        // written first below.
        if staging.join(RECORD_FILE).is_file() {
            fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, &e))?;
        }
        if staging.exists() {
            return Err(Error::new(format!(
                "error: `{}` is in the way of apiforge's temporary folder; move it",
                staging.display()
            )));
        }
        let new_crate = NewCrate {
            dir: dir.to_path_buf(),
            staging,
            folders: Mutex::new(BTreeSet::new()),
            failure: Mutex::new(None),
            made_parents,
            finished: false,
        };
        // A record of no files until the crate is complete: it marks the folder as apiforge's.
        write_file(
            &new_crate.staging.join(RECORD_FILE),
            &Record::default().to_file().contents,
        )?;
        Ok(new_crate)
    }

    /// Writes `file`, from any thread. A failure is kept for [`NewCrate::failure`], and its
    /// message returned, so that generation stops.
    pub fn write(&self, file: &GeneratedFile) -> Result<(), String> {
        let path = self.staging.join(&file.path);
        let written = self
            .make_folder(path.parent())
            .and_then(|()| fs::write(&path, &file.contents).map_err(|e| Error::io(&path, &e)));
        written.map_err(|error| {
            let message = error.to_string();
            lock(&self.failure).get_or_insert(error);
            message
        })
    }

    /// The write that failed, if one did: what stopped generation.
    pub fn failure(&self) -> Option<Error> {
        lock(&self.failure).take()
    }

    /// Writes the record of `files` (every file of the crate, each already written) and
    /// renames the crate into place.
    pub fn finish(mut self, files: &[GeneratedFile]) -> Result<Written, Error> {
        if let Some(error) = self.failure() {
            return Err(error);
        }
        let record = Record::of(files).to_file();
        write_file(&self.staging.join(&record.path), &record.contents)?;
        fs::rename(&self.staging, &self.dir).map_err(|e| Error::io(&self.dir, &e))?;
        self.finished = true;
        Ok(Written {
            changed: files
                .iter()
                .chain([&record])
                .map(|f| f.path.clone())
                .collect(),
            removed: Vec::new(),
        })
    }

    fn make_folder(&self, folder: Option<&Path>) -> Result<(), Error> {
        let Some(folder) = folder else {
            return Ok(());
        };
        // Held while the folder is made, so that two threads do not both make it.
        let mut made = lock(&self.folders);
        if !made.contains(folder) {
            fs::create_dir_all(folder).map_err(|e| Error::io(folder, &e))?;
            made.insert(folder.to_path_buf());
        }
        Ok(())
    }
}

impl Drop for NewCrate {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let _ = fs::remove_dir_all(&self.staging);
        let made = self.staging.ancestors().skip(1).take(self.made_parents);
        for folder in made {
            if fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
}

/// The value behind `mutex`, even if a thread panicked holding it: what it guards is a list
/// that stays whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An existing folder of apiforge's: stage, swap file by file (undoing on failure), remove.
fn write_into(dir: &Path, files: &[&GeneratedFile], removed: &[String]) -> Result<Written, Error> {
    let staging = dir.join(STAGING);
    let aside = staging.join("old");
    // A run interrupted while swapping left the files it replaced there: they may be the only
    // copy of something, so they are the user's to look at, not apiforge's to delete.
    if aside.exists() {
        return Err(Error::new(format!(
            "error: an earlier run was interrupted; `{}` holds the files it had replaced\n  = note: restore what you need from it, delete `{}`, and generate again",
            aside.display(),
            staging.display()
        )));
    }
    let paths: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(removed.iter().map(String::as_str))
        .collect();
    // On all threads, the answers taken in order so that the first problem is the one named.
    let refused: Vec<Result<(), Error>> = paths
        .par_iter()
        .map(|path| refuse_links(dir, path))
        .collect();
    refused.into_iter().collect::<Result<(), Error>>()?;
    let differs: Vec<Result<bool, Error>> = files
        .par_iter()
        .map(|file| {
            let on_disk = read_normalized(&dir.join(&file.path))?;
            Ok(on_disk.as_deref() != Some(file.contents.as_str()))
        })
        .collect();
    let mut changed = Vec::new();
    for (file, differs) in files.iter().zip(differs) {
        if differs? {
            changed.push(file);
        }
    }
    if changed.is_empty() && removed.is_empty() {
        return Ok(Written::default());
    }
    if fs::symlink_metadata(&staging).is_ok() {
        // Holds only new files of an earlier run that failed before swapping anything.
        remove_path(&staging)?;
    }
    // The record goes last, so an interruption leaves the old record describing old files.
    changed.sort_by_key(|f| f.path == RECORD_FILE);
    let staged = changed
        .iter()
        .try_for_each(|file| write_file(&staging.join("new").join(&file.path), &file.contents));
    if let Err(error) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    let mut swaps = Swaps {
        dir,
        aside,
        done: Vec::new(),
    };
    let applied = changed
        .iter()
        .try_for_each(|file| swaps.replace(&file.path, &staging.join("new").join(&file.path)))
        .and_then(|()| removed.iter().try_for_each(|path| swaps.remove(path)));
    if let Err(error) = applied {
        return match swaps.undo() {
            Ok(()) => {
                let _ = fs::remove_dir_all(&staging);
                Err(error)
            }
            Err(undo) => Err(Error::new(format!(
                "{error}\n{undo}\n  = note: the files that could not be put back are in `{}`",
                staging.join("old").display()
            ))),
        };
    }
    for path in removed {
        remove_empty_parents(dir, &dir.join(path));
    }
    // The crate is complete; a staging folder that will not go is only untidy, and the next
    // run says so if it holds anything of worth.
    let _ = fs::remove_dir_all(&staging);
    Ok(Written {
        changed: changed.iter().map(|f| f.path.clone()).collect(),
        removed: removed.to_vec(),
    })
}

/// Refuses to write through a symbolic link: a crate checked out from someone else's
/// repository could point `src` anywhere on the machine.
fn refuse_links(dir: &Path, path: &str) -> Result<(), Error> {
    let mut at = dir.to_path_buf();
    for segment in path.split('/') {
        at.push(segment);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::new(format!(
                    "error: `{}` is a symbolic link; apiforge writes only real files and folders inside the crate",
                    at.display()
                )));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Removes a file, a link or a folder at `path` without following links.
fn remove_path(path: &Path) -> Result<(), Error> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, &e))?;
    let removed = if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.map_err(|e| Error::io(path, &e))
}

/// Renames done so far, so that a failure can put every file back.
struct Swaps<'a> {
    dir: &'a Path,
    aside: PathBuf,
    /// (path in the crate, where its old version was put aside, if it had one); recorded as
    /// soon as the old version moves, before the new one arrives.
    done: Vec<(PathBuf, Option<PathBuf>)>,
}

impl Swaps<'_> {
    fn replace(&mut self, path: &str, staged: &Path) -> Result<(), Error> {
        let target = self.dir.join(path);
        let kept = self.put_aside(path)?;
        self.done.push((target.clone(), kept));
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
        }
        fs::rename(staged, &target).map_err(|e| Error::io(&target, &e))
    }

    fn remove(&mut self, path: &str) -> Result<(), Error> {
        let kept = self.put_aside(path)?;
        self.done.push((self.dir.join(path), kept));
        Ok(())
    }

    fn put_aside(&self, path: &str) -> Result<Option<PathBuf>, Error> {
        let target = self.dir.join(path);
        if !target.exists() {
            return Ok(None);
        }
        let aside = self.aside.join(path);
        if let Some(parent) = aside.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
        }
        fs::rename(&target, &aside).map_err(|e| Error::io(&target, &e))?;
        Ok(Some(aside))
    }

    /// Puts every old file back where it was, newest change first.
    fn undo(self) -> Result<(), Error> {
        let mut failures = Vec::new();
        for (target, kept) in self.done.into_iter().rev() {
            if fs::symlink_metadata(&target).is_ok() {
                if let Err(error) = fs::remove_file(&target) {
                    failures.push(format!("  {}: {error}", target.display()));
                    continue;
                }
            }
            if let Some(kept) = kept {
                if let Err(error) = fs::rename(&kept, &target) {
                    failures.push(format!("  {}: {error}", target.display()));
                }
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::new(format!(
                "error: could not put back:\n{}",
                failures.join("\n")
            )))
        }
    }
}

fn write_file(path: &Path, contents: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
    }
    fs::write(path, contents).map_err(|e| Error::io(path, &e))
}

/// The file's text with `\r\n` read as `\n` (a checkout on Windows may convert line endings);
/// `None` if there is no such file.
fn read_normalized(path: &Path) -> Result<Option<String>, Error> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).replace("\r\n", "\n"))),
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(error) if path.is_dir() => Err(Error::new(format!(
            "error: `{}` is a folder where apiforge writes a file ({error})",
            path.display()
        ))),
        Err(error) => Err(Error::io(path, &error)),
    }
}

fn is_empty_dir(dir: &Path) -> Result<bool, Error> {
    Ok(fs::read_dir(dir)
        .map_err(|e| Error::io(dir, &e))?
        .next()
        .is_none())
}

/// Removes the folders between `file` and `root` that are left empty.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut at = file.parent();
    while let Some(dir) = at {
        if dir == root || !dir.starts_with(root) || fs::remove_dir(dir).is_err() {
            break;
        }
        at = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_swap_puts_every_file_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let crate_dir = dir.path();
        write_file(&crate_dir.join("src/a.rs"), "old a").expect("a");
        write_file(&crate_dir.join("src/b.rs"), "old b").expect("b");
        write_file(&crate_dir.join("staged/a.rs"), "new a").expect("staged a");
        let mut swaps = Swaps {
            dir: crate_dir,
            aside: crate_dir.join("aside"),
            done: Vec::new(),
        };
        swaps
            .replace("src/a.rs", &crate_dir.join("staged/a.rs"))
            .expect("first swap");
        swaps.remove("src/b.rs").expect("removal");
        let failed = swaps.replace("src/c.rs", &crate_dir.join("staged/missing.rs"));
        assert!(failed.is_err(), "a staged file that is not there");
        swaps.undo().expect("undo");
        let read = |path: &str| fs::read_to_string(crate_dir.join(path)).ok();
        assert_eq!(read("src/a.rs").as_deref(), Some("old a"));
        assert_eq!(read("src/b.rs").as_deref(), Some("old b"));
        assert_eq!(read("src/c.rs"), None);
    }

    #[cfg(unix)]
    #[test]
    fn writes_never_go_through_a_symbolic_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim");
        fs::create_dir_all(&victim).expect("victim");
        let crate_dir = dir.path().join("crate");
        fs::create_dir_all(&crate_dir).expect("crate");
        fs::write(crate_dir.join(RECORD_FILE), "{\"files\": {}}").expect("record");
        std::os::unix::fs::symlink(&victim, crate_dir.join("src")).expect("link");
        let files = [GeneratedFile {
            path: "src/lib.rs".to_owned(),
            contents: "// generated\n".to_owned(),
        }];
        let refused = write_crate(&crate_dir, &files, true).expect_err("refused");
        assert!(refused.to_string().contains("symbolic link"), "{refused}");
        assert_eq!(fs::read_dir(&victim).expect("victim").count(), 0);
    }

    #[test]
    fn an_interrupted_run_leaves_its_replaced_files_to_the_user() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = [GeneratedFile {
            path: "src/lib.rs".to_owned(),
            contents: "// one\n".to_owned(),
        }];
        let crate_dir = dir.path().join("crate");
        write_crate(&crate_dir, &files, false).expect("first write");
        let kept = crate_dir.join(STAGING).join("old/src/lib.rs");
        write_file(&kept, "// the only copy\n").expect("leftover");
        let changed = [GeneratedFile {
            path: "src/lib.rs".to_owned(),
            contents: "// two\n".to_owned(),
        }];
        let refused = write_crate(&crate_dir, &changed, false).expect_err("refused");
        assert!(refused.to_string().contains("interrupted"), "{refused}");
        assert!(kept.exists(), "the leftover is not deleted");
    }

    #[test]
    fn a_new_crate_is_there_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = |path: &str| GeneratedFile {
            path: path.to_owned(),
            contents: format!("// {path}\n"),
        };
        let files = [
            file("Cargo.toml"),
            file("src/lib.rs"),
            file("src/types/a.rs"),
        ];

        let crate_dir = dir.path().join("made/for/it");
        let new_crate = NewCrate::start(&crate_dir).expect("start");
        for made in &files {
            new_crate.write(made).expect("write");
        }
        assert!(!crate_dir.exists(), "in place only once finished");
        let written = new_crate.finish(&files).expect("finish");
        assert_eq!(written.changed.len(), files.len() + 1, "{written:?}");
        for made in &files {
            let on_disk = fs::read_to_string(crate_dir.join(&made.path)).expect("written");
            assert_eq!(on_disk, made.contents);
        }
        let record = Record::read(&crate_dir).expect("read").expect("a record");
        assert_eq!(record, Record::of(&files));
        assert_eq!(
            fs::read_dir(crate_dir.parent().expect("parent"))
                .expect("list")
                .count(),
            1
        );

        // Generation stopped part way: nothing stays, not even the folders made for it.
        let abandoned = dir.path().join("gone/crate");
        let new_crate = NewCrate::start(&abandoned).expect("start");
        new_crate.write(&files[1]).expect("write");
        drop(new_crate);
        assert!(!dir.path().join("gone").exists());

        // A write that fails is named, and stops the crate.
        let blocked = dir.path().join("blocked");
        let new_crate = NewCrate::start(&blocked).expect("start");
        new_crate.write(&file("src")).expect("a file named `src`");
        let message = new_crate.write(&files[1]).expect_err("`src` is a file");
        assert!(message.contains("src"), "{message}");
        let error = new_crate.finish(&files).expect_err("a write failed");
        assert_eq!(error.to_string(), message);
        assert!(!blocked.exists());
        assert_eq!(
            fs::read_dir(dir.path()).expect("list").count(),
            1,
            "only `made`"
        );
    }
}
