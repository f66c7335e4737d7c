//! Errors and warnings about a spec, each saying where in which file it is.

use std::fmt;

use crate::pointer::Pointer;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on: a construct was ignored or given a documented fallback.
    Warning,
    /// The spec cannot be turned into a crate.
    Error,
}

/// One problem in a spec, located by file, line/column where known, and JSON pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
    /// The file, as the caller named it.
    pub file: String,
    /// 1-based line and column, where the parser knows them.
    pub position: Option<(usize, usize)>,
    /// The JSON pointer of the offending node (`#/paths/~1jwt/post`), where there is one.
    pub pointer: Option<String>,
    /// A hint: what is expected, or how to fix it.
    pub note: Option<String>,
    /// The caller's setting the problem is in, when it is not in the document: a front end
    /// points at where its configuration sets it.
    pub setting: Option<Setting>,
}

/// A setting of [`Settings`](crate::Settings) that names things in the document or spells Rust,
/// and can therefore be wrong about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Setting {
    /// `operations.include_tags`.
    IncludeTags,
    /// `operations.exclude_tags`.
    ExcludeTags,
    /// `operations.include_operations`.
    IncludeOperations,
    /// `operations.exclude_operations`.
    ExcludeOperations,
    /// `type_replacements`.
    TypeReplacements,
    /// `extra_derives`.
    ExtraDerives,
    /// The `root_path` of `Layout::Module`.
    ModulePath,
    /// `pagination`.
    Pagination,
}

impl Setting {
    /// The setting's path in [`Settings`](crate::Settings).
    pub fn name(self) -> &'static str {
        match self {
            Setting::IncludeTags => "operations.include_tags",
            Setting::ExcludeTags => "operations.exclude_tags",
            Setting::IncludeOperations => "operations.include_operations",
            Setting::ExcludeOperations => "operations.exclude_operations",
            Setting::TypeReplacements => "type_replacements",
            Setting::ExtraDerives => "extra_derives",
            Setting::ModulePath => "layout.root_path",
            Setting::Pagination => "pagination",
        }
    }
}

impl Diagnostic {
    /// An error at `pointer` in `file`.
    pub fn error(file: &str, pointer: Option<&Pointer>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: file.to_owned(),
            position: None,
            pointer: pointer.map(Pointer::to_string),
            note: None,
            setting: None,
        }
    }

    /// An error in the caller's `setting`, about the document `file`.
    pub fn setting_error(file: &str, setting: Setting, message: impl Into<String>) -> Self {
        Diagnostic {
            setting: Some(setting),
            ..Diagnostic::error(file, None, message)
        }
    }

    /// A warning at `pointer` in `file`.
    pub fn warning(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, Some(pointer), message)
        }
    }

    /// Adds the line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        writeln!(f, "{level}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " at {pointer}")?;
        }
        if let Some(setting) = self.setting {
            write!(f, " (the setting `{}`)", setting.name())?;
        }
        if let Some(note) = &self.note {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

/// How many errors a failed run shows; the rest are counted in one last line, as compilers do.
pub const MAX_SHOWN_ERRORS: usize = 50;

/// Every diagnostic of a run that failed: at least one is an error. [`generate`](crate::generate)
/// gives them sorted by place ([`sort_by_place`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Every error and warning.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many are errors.
    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The diagnostics to show: all of them up to the [`MAX_SHOWN_ERRORS`]th error.
    pub fn shown(&self) -> &[Diagnostic] {
        let mut errors = 0;
        let end = self
            .0
            .iter()
            .position(|d| {
                errors += usize::from(d.severity == Severity::Error);
                errors > MAX_SHOWN_ERRORS
            })
            .unwrap_or(self.0.len());
        &self.0[..end]
    }

    /// The line that counts what [`shown`](Self::shown) leaves out, when it leaves anything.
    pub fn omitted(&self) -> Option<String> {
        let rest = &self.0[self.shown().len()..];
        let errors = rest
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = rest.len() - errors;
        let more = |n: usize, noun: &str| count(n, &format!("more {noun}"));
        match (errors, warnings) {
            (0, 0) => None,
            (errors, 0) => Some(format!("error: {} not shown", more(errors, "error"))),
            (errors, warnings) => Some(format!(
                "error: {} and {} not shown",
                more(errors, "error"),
                more(warnings, "warning")
            )),
        }
    }

    /// How many errors and warnings there are, for a closing line: `3 errors, 1 warning`.
    pub fn summary(&self) -> String {
        let errors = self.errors();
        let warnings = self.0.len() - errors;
        if warnings == 0 {
            count(errors, "error")
        } else {
            format!("{}, {}", count(errors, "error"), count(warnings, "warning"))
        }
    }
}

/// `1 error`, `2 errors` (`2 more errors`).
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Sorts diagnostics by place, as a compiler does: errors in the caller's settings first, then
/// those about the document `file` by line and column (then pointer), those without a position
/// after them by pointer, then other files' (those its `$ref`s read) by name and place. The
/// sort is stable: diagnostics at one place keep the order they were found in.
pub fn sort_by_place(diagnostics: &mut [Diagnostic], file: &str) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.setting.is_none(),
                d.file != file,
                d.file.clone(),
                d.position.is_none(),
                d.position,
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| compare_pointers(a.pointer.as_deref(), b.pointer.as_deref()))
    });
}

/// Pointers in document order as far as text can tell: segment by segment, an array index
/// before a higher one (`/9` before `/10`).
fn compare_pointers(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    let segments = |p: Option<&str>| -> Vec<(u64, String)> {
        p.unwrap_or_default()
            .split('/')
            .map(|s| (s.parse::<u64>().unwrap_or(u64::MAX), s.to_owned()))
            .collect()
    };
    segments(a).cmp(&segments(b))
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

/// The diagnostics [`shown`](Diagnostics::shown), then the line counting the others.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.shown().iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        if let Some(omitted) = self.omitted() {
            write!(f, "\n{omitted}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str, line: usize, pointer: &str) -> Diagnostic {
        Diagnostic::error(file, None, "e")
            .at(line, 1)
            .with_pointer(pointer)
    }

    impl Diagnostic {
        fn with_pointer(mut self, pointer: &str) -> Self {
            self.pointer = Some(pointer.to_owned());
            self
        }
    }

    #[test]
    fn diagnostics_sort_by_place_settings_first_and_other_files_last() {
        let mut list = vec![
            at("other.yaml", 1, "#/A"),
            at("api.yaml", 9, "#/b"),
            Diagnostic::warning("api.yaml", &Pointer::root().push("z"), "unplaced"),
            at("api.yaml", 2, "#/a"),
            Diagnostic::setting_error("api.yaml", Setting::IncludeTags, "no tag"),
            Diagnostic::warning("api.yaml", &Pointer::root().push("y"), "unplaced"),
        ];
        sort_by_place(&mut list, "api.yaml");
        let order: Vec<(&str, Option<&str>)> = list
            .iter()
            .map(|d| (d.file.as_str(), d.pointer.as_deref()))
            .collect();
        assert_eq!(
            order,
            [
                ("api.yaml", None),
                ("api.yaml", Some("#/a")),
                ("api.yaml", Some("#/b")),
                ("api.yaml", Some("#/y")),
                ("api.yaml", Some("#/z")),
                ("other.yaml", Some("#/A")),
            ]
        );
        assert!(
            compare_pointers(Some("#/items/9"), Some("#/items/10")).is_lt(),
            "indexes compare as numbers"
        );
    }

    #[test]
    fn past_the_cap_errors_are_counted_not_shown() {
        let mut list: Vec<Diagnostic> = (0..MAX_SHOWN_ERRORS + 3)
            .map(|line| at("api.yaml", line + 1, "#"))
            .collect();
        list.push(Diagnostic::warning("api.yaml", &Pointer::root(), "late"));
        let diagnostics = Diagnostics(list);
        assert_eq!(diagnostics.shown().len(), MAX_SHOWN_ERRORS);
        assert_eq!(
            diagnostics.omitted().as_deref(),
            Some("error: 3 more errors and 1 more warning not shown")
        );
        let rendered = diagnostics.to_string();
        assert_eq!(rendered.matches("error: e").count(), MAX_SHOWN_ERRORS);
        assert!(rendered.ends_with("not shown"), "{rendered}");
        assert_eq!(diagnostics.summary(), "53 errors, 1 warning");
        assert_eq!(Diagnostics(vec![at("a", 1, "#")]).omitted(), None);
    }

    #[test]
    fn rendering_names_file_position_pointer_and_note() {
        let diagnostic = Diagnostic::error(
            "specs/pets.yaml",
            Some(&Pointer::root().push("paths")),
            "dangling $ref",
        )
        .at(3, 7)
        .note("define it");
        assert_eq!(
            diagnostic.to_string(),
            "error: dangling $ref\n  --> specs/pets.yaml:3:7 at #/paths\n  = note: define it"
        );
    }
}
