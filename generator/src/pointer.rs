//! JSON pointers (RFC 6901) into a document: how diagnostics locate a node, and the one
//! place segments are escaped and unescaped.

use std::borrow::Cow;
use std::fmt;

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
        let segment = segment.to_string();
        Pointer(format!("{}/{}", self.0, escape(&segment)))
    }

    /// This pointer moved from under `from` to under `to`, when it is `from` or inside it.
    pub fn rebased(&self, from: &Pointer, to: &Pointer) -> Option<Pointer> {
        rebase(&self.0, &from.0, &to.0).map(Pointer)
    }

    /// Whether this pointer is `node` or inside it.
    pub fn is_within(&self, node: &Pointer) -> bool {
        is_within(&self.0, &node.0)
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(unescape)
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

/// `pointer` moved from under `from` to under `to`, when it is `from` or inside it: pointers
/// as text, both in the same form (with or without the leading `#`).
pub fn rebase(pointer: &str, from: &str, to: &str) -> Option<String> {
    inside(pointer, from).map(|rest| format!("{to}{rest}"))
}

/// Whether `pointer` is `node` or inside it: pointers as text, both in the same form.
pub fn is_within(pointer: &str, node: &str) -> bool {
    inside(pointer, node).is_some()
}

/// The rest of `pointer` past `node`, when it is `node` or inside it.
fn inside<'p>(pointer: &'p str, node: &str) -> Option<&'p str> {
    pointer
        .strip_prefix(node)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// One segment escaped for a pointer: `~` is `~0`, `/` is `~1`.
pub fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// One pointer segment unescaped: `~1` is `/`, `~0` is `~`.
pub fn unescape(segment: &str) -> String {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~")
    } else {
        segment.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_move_only_from_inside_the_node_they_leave() {
        let root = Pointer::root();
        let from = root.push("a").push("b");
        let to = root.push("c");
        assert_eq!(from.push("x").rebased(&from, &to), Some(to.push("x")));
        assert_eq!(from.rebased(&from, &to), Some(to.clone()));
        // `bc` starts with `b` as text, but is not inside it.
        assert_eq!(root.push("a").push("bc").rebased(&from, &to), None);
        assert_eq!(root.push("x").rebased(&from, &to), None);
        assert!(from.push("x").is_within(&from) && from.is_within(&from));
        assert!(!root.push("a").push("bc").is_within(&from));
    }

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
}
