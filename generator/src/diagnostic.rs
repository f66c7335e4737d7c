//! Errors and warnings about a spec, each saying where in which file it is.

use std::fmt;

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

/// A JSON pointer into the spec, built one segment at a time (RFC 6901 escaping).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// A pointer from a `$ref` fragment such as `#/components/schemas/Pet`; percent-escapes
    /// are decoded first, as URI fragments require (`%7Bid%7D` is `{id}`).
    pub fn from_fragment(reference: &str) -> Option<Self> {
        let rest = percent_decode(reference.strip_prefix('#')?);
        (rest.is_empty() || rest.starts_with('/')).then_some(Pointer(rest))
    }

    /// This pointer with one more segment.
    pub fn push(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{segment}", self.0))
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
    }
}

/// Decodes `%XX` escapes; anything that is not a valid escape stays as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        let pointer = Pointer::root()
            .push("paths")
            .push("/jwt/{jti}#1")
            .push("a~b");
        assert_eq!(pointer.to_string(), "#/paths/~1jwt~1{jti}#1/a~0b");
        assert_eq!(
            pointer.segments().collect::<Vec<_>>(),
            ["paths", "/jwt/{jti}#1", "a~b"]
        );
        assert_eq!(
            Pointer::from_fragment("#/components/schemas/Pet").unwrap(),
            Pointer::root()
                .push("components")
                .push("schemas")
                .push("Pet")
        );
        assert_eq!(Pointer::from_fragment("other.yaml#/x"), None);
        assert_eq!(
            Pointer::from_fragment("#/paths/~1keys~1%7Bid%7D/get").unwrap(),
            Pointer::root().push("paths").push("/keys/{id}").push("get")
        );
        assert_eq!(
            Pointer::from_fragment("#/a%zz").unwrap(),
            Pointer::root().push("a%zz")
        );
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
