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

/// Every diagnostic of a run that failed: at least one is an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The errors and warnings, errors first.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

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
