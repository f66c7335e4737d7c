//! Every identifier the generator emits is made here: words, case, keywords, uniqueness.
//! The words are ours (acronyms, connector words, digits spelled out); `heck` joins and cases
//! them.
//!
//! # The collision rule
//!
//! Names are settled per scope (the crate's types, one struct's fields, one operation's
//! builder methods, ...) only after every name in that scope is known, by [`Scope::settle`]:
//!
//! 1. Names the scope reserves (such as `send` on an operation builder) are taken first.
//! 2. Among the candidates that want the same identifier, one whose source spelling *is* that
//!    identifier keeps it (a property `foo_bar` beats `foo-bar` to `foo_bar`).
//! 3. Otherwise candidates keep their canonical order, which callers give by position in the
//!    spec (JSON pointer order), never by the order lowering happened to visit them.
//!    The first keeps the name; the others get the smallest free suffix `2`, `3`, ...
//!    (`foo_bar_2` in snake case, `FooBar2` in Pascal case).
//!
//! Scopes whose names are also file names ([`Scope::file_names`]) treat the device names
//! Windows reserves (`con`, `aux`, `com1`, ...) as reserved names too, so that a generated
//! crate can be checked out on Windows.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words of an identifier-ish string: `revokeJWTbyJti` is `revoke JWT by Jti`.
///
/// Only ASCII letters and digits survive, so every identifier made from them is valid Rust.
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        split_case(chunk, &mut words);
    }
    words.retain(|word| !word.is_empty());
    words
}

/// Lowercase words that commonly follow an acronym with no case change: `JWTby`, `IDsFor`.
const CONNECTORS: &[&str] = &[
    "and", "at", "by", "for", "from", "in", "of", "on", "or", "per", "to", "via", "with",
];

fn split_case(chunk: &str, words: &mut Vec<String>) {
    let chars: Vec<char> = chunk.chars().collect();
    let mut start = 0;
    for i in 1..chars.len() {
        let (prev, cur) = (chars[i - 1], chars[i]);
        let next = chars.get(i + 1).copied();
        // `JWTby`: an acronym followed by a connector word, not `JW` + `Tby`.
        let connector_at = |at: usize| {
            let tail: String = chars[at..]
                .iter()
                .take_while(|c| c.is_lowercase())
                .collect();
            CONNECTORS.contains(&tail.as_str())
        };
        let boundary = if cur.is_uppercase() {
            // `jwtPost`, `jwt1Post`; and `JWTToken` splits before the last capital.
            !prev.is_uppercase() || (next.is_some_and(char::is_lowercase) && !connector_at(i + 1))
        } else if cur.is_lowercase() && prev.is_uppercase() && i >= 2 && chars[i - 2].is_uppercase()
        {
            connector_at(i)
        } else {
            false
        };
        if boundary {
            words.push(chars[start..i].iter().collect());
            start = i;
        }
    }
    words.push(chars[start..].iter().collect());
}

const DIGIT_NAMES: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Makes the first word start with a letter: `2FA` becomes `two FA`, `404` becomes `n404`.
fn lead_with_letter(mut words: Vec<String>, prefix: &str) -> Vec<String> {
    let Some(first) = words.first() else {
        return vec![prefix.to_owned()];
    };
    let digits: String = first.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return words;
    }
    let rest = first[digits.len()..].to_owned();
    let more_words = !rest.is_empty() || words.len() > 1;
    if digits.len() == 1 && more_words {
        let digit = usize::from(digits.as_bytes()[0] - b'0');
        let spelled = DIGIT_NAMES[digit].to_owned();
        if rest.is_empty() {
            words[0] = spelled;
        } else {
            words.splice(0..1, [spelled, rest]);
        }
    } else {
        words[0] = format!("{prefix}{first}");
    }
    words
}

/// Strict and reserved keywords of Rust 2024, which cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A `snake_case` identifier (fields, parameters, methods, modules), never a keyword.
pub fn snake(text: &str) -> String {
    let joined = match plain_words(text) {
        Some(words) => {
            let mut joined = String::with_capacity(text.len() + words.len());
            for (index, word) in words.iter().enumerate() {
                if index > 0 {
                    joined.push('_');
                }
                joined.push_str(word);
            }
            joined.make_ascii_lowercase();
            joined
        }
        None => spaced(lead_with_letter(words(text), "n")).to_snake_case(),
    };
    if KEYWORDS.contains(&joined.as_str()) {
        format!("{joined}_")
    } else {
        joined
    }
}

/// A `PascalCase` identifier (types, variants), never `Self`.
pub fn pascal(text: &str) -> String {
    let joined = match plain_words(text) {
        Some(words) => words.iter().map(|word| capitalized(word)).collect(),
        None => spaced(lead_with_letter(words(text), "V")).to_upper_camel_case(),
    };
    if joined == "Self" {
        "Self_".to_owned()
    } else {
        joined
    }
}

/// A `SCREAMING_SNAKE_CASE` identifier (constants). No keyword is upper case, so none needs
/// the underscore [`snake`] adds: a snake-case name settled in a scope is its upper case,
/// less that underscore (`type_` is `TYPE`, `bearer_2` is `BEARER_2`).
pub fn screaming(text: &str) -> String {
    spaced(lead_with_letter(words(text), "n")).to_shouty_snake_case()
}

/// The words of `text` when each is ASCII letters with at most its first one upper case
/// (`created_at`, `simple-user`, `createdAt`, `SimpleUser`), most names in a spec: with no
/// acronym, connector or digit to look at, [`words`] would split them at the separators and
/// before each capital, and heck would only case and join them. `None` otherwise.
fn plain_words(text: &str) -> Option<Vec<&str>> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut start = None;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte.is_ascii_digit() {
            return None;
        }
        if byte.is_ascii_uppercase() {
            // A capital starts a word, and only a lowercase letter may follow it.
            if !bytes.get(index + 1).is_some_and(u8::is_ascii_lowercase) {
                return None;
            }
            if let Some(start) = start.replace(index) {
                words.push(&text[start..index]);
            }
        } else if byte.is_ascii_lowercase() {
            start.get_or_insert(index);
        } else if let Some(start) = start.take() {
            // Any other byte, a piece of a non-ASCII character too, separates words.
            words.push(&text[start..index]);
        }
    }
    if let Some(start) = start {
        words.push(&text[start..]);
    }
    (!words.is_empty()).then_some(words)
}

/// An ASCII `word` with its first letter upper case and the others lower case.
fn capitalized(word: &str) -> String {
    let mut capitalized = word.to_ascii_lowercase();
    capitalized[..1].make_ascii_uppercase();
    capitalized
}

/// Our words, for heck to join and case. heck splits at spaces and at case changes too, and
/// [`split_case`] has already split every word at the case changes heck would split at (it
/// splits at more: `1Password` is `1 Password`), so heck finds exactly these words again and
/// only decides their case and what joins them.
fn spaced(words: Vec<String>) -> String {
    words.join(" ")
}

/// The library name Cargo gives the package `crate_name`, which `use` and paths spell:
/// `pet-store` is `pet_store`.
pub fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// Trait methods clippy wants implemented as the trait rather than as an inherent method of
/// the same signature (`should_implement_trait`): an accessor of that name takes a suffix.
pub(crate) const TRAIT_METHODS: &[&str] = &["as_ref", "borrow", "clone", "deref"];

/// The names a struct's chainable setter (`fn name(mut self, value: impl Into<T>) -> Self`)
/// cannot take: its constructor's, and the operator methods clippy wants implemented as the
/// trait at that signature (`should_implement_trait`). A field of such a name gets a setter
/// with a suffix.
pub(crate) const SETTER_RESERVED: &[&str] = &[
    "new", "add", "bitand", "bitor", "bitxor", "div", "mul", "rem", "shl", "shr", "sub",
];

/// The members every operation's request builder has besides its parameters' setters, named
/// once for lowering (which keeps parameters off them) and emit (which writes them).
/// The cargo feature that compiles the types no operation uses (a spec's webhook payloads,
/// say) and what they refer to. Hyphenated, so no operation module (snake_case) takes it.
pub(crate) const STANDALONE_TYPES_FEATURE: &str = "standalone-types";

/// What each `src/operations/<tag>.rs` imports from the runtime and names unqualified: the
/// items every operation's `Operation` impl spells. Lowering keeps the module's own types off
/// these names.
pub(crate) const OPERATION_MODULE_IMPORTS: [&str; 7] = [
    "EncodeError",
    "Method",
    "Operation",
    "RawResponse",
    "Request",
    "RequestOptions",
    "SendResult",
];

/// The runtime module `src/types/mod.rs` imports for the `object!` its type files invoke, which
/// reaches it as `super::object`. Lowering keeps type modules off this name.
pub(crate) const TYPES_RUNTIME_MODULE: &str = "object";

pub(crate) mod builder {
    /// Sends the request and returns the decoded body.
    pub const SEND: &str = "send";
    /// Sends the request and returns the status and headers with the body.
    pub const SEND_WITH_INFO: &str = "send_with_info";
    /// [`SEND`] from synchronous code (cargo feature `blocking`).
    pub const SEND_BLOCKING: &str = "send_blocking";
    /// [`SEND_WITH_INFO`] from synchronous code (cargo feature `blocking`).
    pub const SEND_WITH_INFO_BLOCKING: &str = "send_with_info_blocking";
    /// The request's own time limit.
    pub const TIMEOUT: &str = "timeout";
    /// Adds a header to this request only.
    pub const HEADER: &str = "header";
    /// Adds a query parameter to this request only.
    pub const QUERY_PARAM: &str = "query_param";
    /// The field holding the time limit, headers and query parameters of this request only.
    pub const OPTIONS: &str = "options";
    /// The field holding the client that sends the request.
    pub const CLIENT: &str = "client";
    /// Kept free so that no parameter's setter reads as a constructor.
    pub const NEW: &str = "new";
    /// The members of every builder: no parameter may take them.
    pub const ALWAYS: &[&str] = &[
        SEND,
        SEND_WITH_INFO,
        SEND_BLOCKING,
        SEND_WITH_INFO_BLOCKING,
        TIMEOUT,
        HEADER,
        QUERY_PARAM,
        OPTIONS,
        CLIENT,
        NEW,
    ];
    /// The stream of pages of a paginated operation.
    pub const PAGES: &str = "pages";
    /// The stream of items of a paginated operation.
    pub const ITEMS: &str = "items";
    /// [`PAGES`] as an iterator for synchronous code (cargo feature `blocking`).
    pub const PAGES_BLOCKING: &str = "pages_blocking";
    /// [`ITEMS`] as an iterator for synchronous code (cargo feature `blocking`).
    pub const ITEMS_BLOCKING: &str = "items_blocking";
    /// The members of the builders of paginated operations.
    pub const PAGINATED: &[&str] = &[PAGES, ITEMS, PAGES_BLOCKING, ITEMS_BLOCKING];
    /// The request body's field, with a setter when the body is optional: a member of the
    /// builders of operations that take a body.
    pub const BODY: &str = "body";
    /// The setter of an optional body from an `Option`.
    pub const SET_BODY: &str = "set_body";

    /// The setter of the optional member `ident` from an `Option` (`set_limit`), before it is
    /// settled against the builder's other members.
    pub fn option_setter(ident: &str) -> String {
        format!("set_{ident}")
    }
    /// The field holding the chosen encoding: a member of the builders whose body can be sent
    /// in several encodings, each chosen by a setter below.
    pub const ENCODING: &str = "encoding";
    /// Sends the body as JSON.
    pub const JSON: &str = "json";
    /// Sends the body as a url-encoded form.
    pub const FORM_URLENCODED: &str = "form_urlencoded";
    /// Sends the body as a multipart form.
    pub const MULTIPART: &str = "multipart";
    /// Sends the body as text.
    pub const TEXT: &str = "text";
    /// Sends the body as bytes.
    pub const BINARY: &str = "binary";
}

/// Device names that Windows reserves in every folder, whatever the case and extension
/// (`con.rs` is the console too).
const WINDOWS_DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Whether Windows refuses a file named `name` (or `name` with any extension): a device name
/// such as `con`, `aux` or `lpt1`, in any case.
pub fn is_windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    WINDOWS_DEVICE_NAMES
        .iter()
        .any(|device| stem.eq_ignore_ascii_case(device))
}

/// The case a scope's identifiers are written in; it decides how suffixes attach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `foo_bar`, suffixed `foo_bar_2`.
    Snake,
    /// `FooBar`, suffixed `FooBar2`.
    Pascal,
}

/// One namespace whose names must be distinct; see the module docs for the rule.
#[derive(Debug)]
pub struct Scope {
    case: Case,
    reserved: BTreeSet<String>,
    /// The names become file names: Windows device names count as reserved.
    file_names: bool,
    candidates: Vec<Candidate>,
}

#[derive(Debug)]
struct Candidate {
    wanted: String,
    exact: bool,
}

impl Scope {
    /// An empty scope.
    pub fn new(case: Case) -> Self {
        Scope {
            case,
            reserved: BTreeSet::new(),
            file_names: false,
            candidates: Vec::new(),
        }
    }

    /// Marks the names as file names (module files): none may be one Windows reserves
    /// ([`is_windows_reserved`]); such a name is settled like a reserved one, with a suffix.
    pub fn file_names(mut self) -> Self {
        self.file_names = true;
        self
    }

    /// Whether nobody in this scope may take `name`.
    fn is_reserved(&self, name: &str) -> bool {
        self.reserved.contains(name) || (self.file_names && is_windows_reserved(name))
    }

    /// Names nobody in this scope may take.
    pub fn reserve<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        self.reserved.extend(names.into_iter().map(str::to_owned));
        self
    }

    /// Adds a candidate spelled `source` in the spec; returns its index for [`Scope::settle`].
    /// Call in canonical (spec) order.
    pub fn add(&mut self, source: &str) -> usize {
        let wanted = match self.case {
            Case::Snake => snake(source),
            Case::Pascal => pascal(source),
        };
        self.add_wanted(source, wanted)
    }

    /// Adds candidates spelled `sources` in the spec, in canonical order, as [`Scope::add`]
    /// does one by one: a big list (a big spec's types, their modules) is converted on all
    /// threads, since converting is most of naming's time and lowering runs on one.
    pub fn add_all(&mut self, sources: &[&str]) {
        use rayon::prelude::*;
        let case = self.case;
        let candidates = sources.par_iter().with_min_len(256).map(|&source| {
            let wanted = match case {
                Case::Snake => snake(source),
                Case::Pascal => pascal(source),
            };
            Candidate {
                exact: wanted == source,
                wanted,
            }
        });
        self.candidates.par_extend(candidates);
    }

    /// Adds a candidate whose identifier was already made (`wanted` in this scope's case).
    pub fn add_wanted(&mut self, source: &str, wanted: String) -> usize {
        let exact = wanted == source;
        self.candidates.push(Candidate { wanted, exact });
        self.candidates.len() - 1
    }

    /// The final identifiers, indexed like the candidates.
    pub fn settle(self) -> Vec<String> {
        let mut taken: BTreeSet<String> = self.reserved.clone();
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, candidate) in self.candidates.iter().enumerate() {
            by_name.entry(&candidate.wanted).or_default().push(index);
        }
        let mut settled = vec![String::new(); self.candidates.len()];
        let mut losers = Vec::new();
        for (name, mut indices) in by_name {
            // Stable sort: exact spellings first, then canonical order.
            indices.sort_by_key(|&index| !self.candidates[index].exact);
            let mut rest = indices.into_iter();
            if self.is_reserved(name) {
                losers.extend(rest);
                continue;
            }
            if let Some(winner) = rest.next() {
                settled[winner] = name.to_owned();
                taken.insert(name.to_owned());
            }
            losers.extend(rest);
        }
        losers.sort_unstable();
        for index in losers {
            let wanted = &self.candidates[index].wanted;
            let name = (2..)
                .map(|n| self.suffixed(wanted, n))
                .find(|name| !taken.contains(name) && !self.is_reserved(name))
                .unwrap_or_default();
            taken.insert(name.clone());
            settled[index] = name;
        }
        settled
    }

    fn suffixed(&self, name: &str, n: usize) -> String {
        match self.case {
            Case::Snake => format!("{}_{n}", name.trim_end_matches('_')),
            Case::Pascal => format!("{name}{n}"),
        }
    }
}

/// A piece of each word [`is_secret`] looks for, in lower case.
const SECRET_PIECES: [&str; 7] = [
    "passw",
    "passcode",
    "secret",
    "authorization",
    "credential",
    "token",
    "key",
];

/// Whether a field or parameter holds a secret that `Debug` must not print.
pub fn is_secret(name: &str, format: Option<&str>) -> bool {
    if format == Some("password") {
        return true;
    }
    // Every word is ASCII and a piece of the name, so a name holding none of the words looked
    // for, in any case, has none of them as a word either: most names, which are then spared
    // the splitting, once most of this function's time.
    let lowercase = name.to_ascii_lowercase();
    if !SECRET_PIECES.iter().any(|piece| lowercase.contains(piece)) {
        return false;
    }
    let words: Vec<String> = words(name).iter().map(|w| w.to_lowercase()).collect();
    let last = words.last().map(String::as_str);
    let previous = words.len().checked_sub(2).map(|i| words[i].as_str());
    words.iter().any(|word| {
        matches!(
            word.as_str(),
            "password"
                | "passwd"
                | "secret"
                | "passcode"
                | "apikey"
                | "authorization"
                | "credential"
                | "credentials"
        )
    }) || matches!(last, Some("token"))
        || (matches!(last, Some("key"))
            && matches!(previous, Some("api" | "private" | "secret" | "access")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_take_the_short_way_to_the_same_identifier() {
        for text in [
            "created_at",
            "simple-user",
            "id",
            "a b c",
            "__leading",
            "trailing--",
            "café_au_lait",
            "self",
            "type",
            "x.y/z",
            "createdAt",
            "SimpleUser",
            "ReposCreateInOrgRequest",
            "repos/create-in-org_Request",
            "a.Bc",
            "Type",
            "Self",
            "self_Type",
            "ÉtéDate",
        ] {
            assert!(plain_words(text).is_some(), "{text}");
            let words = || lead_with_letter(super::words(text), "n");
            assert_eq!(snake(text), {
                let joined = spaced(words()).to_snake_case();
                if KEYWORDS.contains(&joined.as_str()) {
                    format!("{joined}_")
                } else {
                    joined
                }
            });
            let pascal_words = lead_with_letter(super::words(text), "V");
            let slow = spaced(pascal_words).to_upper_camel_case();
            let slow = if slow == "Self" {
                "Self_".to_owned()
            } else {
                slow
            };
            assert_eq!(pascal(text), slow, "{text}");
        }
        for text in [
            "v1",
            "2fa",
            "ÉTÉ",
            "-",
            "",
            "JWTToken",
            "revokeJWTbyJti",
            "IDs",
            "userA",
            "a1B",
            "a.B",
        ] {
            assert!(plain_words(text).is_none(), "{text}");
        }
    }

    #[test]
    fn snake_case_handles_acronyms_digits_and_symbols() {
        let cases = [
            ("post_jwt_auth", "post_jwt_auth"),
            ("revokeJWTbyJti", "revoke_jwt_by_jti"),
            ("RevokeMyJWT", "revoke_my_jwt"),
            ("jwt1Post", "jwt1_post"),
            ("auth2faPost", "auth2fa_post"),
            ("2FA-token", "two_fa_token"),
            ("g-recaptcha-response", "g_recaptcha_response"),
            ("displayName", "display_name"),
            ("X-Tracing-ID", "x_tracing_id"),
            ("JWTToken", "jwt_token"),
            ("type", "type_"),
            ("gen", "gen_"),
            ("404", "n404"),
            ("$ref", "ref_"),
            ("", "n"),
        ];
        for (input, expected) in cases {
            assert_eq!(snake(input), expected, "snake({input:?})");
        }
    }

    #[test]
    fn pascal_case_handles_acronyms_digits_and_symbols() {
        let cases = [
            ("JavascriptWebToken", "JavascriptWebToken"),
            ("AuthRequestMFA", "AuthRequestMfa"),
            ("confirm_2fa", "Confirm2fa"),
            ("role_product", "RoleProduct"),
            ("1", "V1"),
            ("2xx", "TwoXx"),
            ("Self", "Self_"),
            ("level1", "Level1"),
        ];
        for (input, expected) in cases {
            assert_eq!(pascal(input), expected, "pascal({input:?})");
        }
        assert_eq!(screaming("bearerAuth"), "BEARER_AUTH");
        assert_eq!(screaming("type"), "TYPE");
    }

    #[test]
    fn constants_are_settled_snake_names_in_upper_case() {
        let mut scope = Scope::new(Case::Snake).reserve(["all"]);
        let sources = ["bearerAuth", "all", "type", "api_key", "api-key"];
        let indices: Vec<usize> = sources.iter().map(|source| scope.add(source)).collect();
        let names = scope.settle();
        let constants: Vec<String> = indices.iter().map(|&i| screaming(&names[i])).collect();
        assert_eq!(
            constants,
            ["BEARER_AUTH", "ALL_2", "TYPE", "API_KEY", "API_KEY_2"]
        );
    }

    #[test]
    fn library_names_are_package_names_with_underscores() {
        assert_eq!(lib_name("pet-store-v2"), "pet_store_v2");
        assert_eq!(lib_name("yat"), "yat");
    }

    #[test]
    fn collisions_prefer_exact_spelling_then_spec_order() {
        let mut scope = Scope::new(Case::Snake).reserve(["send"]);
        let a = scope.add("foo-bar");
        let b = scope.add("foo_bar");
        let c = scope.add("fooBar");
        let d = scope.add("send");
        let e = scope.add("foo_bar_2");
        let names = scope.settle();
        assert_eq!(names[b], "foo_bar");
        assert_eq!(names[e], "foo_bar_2");
        assert_eq!(names[a], "foo_bar_3");
        assert_eq!(names[c], "foo_bar_4");
        assert_eq!(names[d], "send_2");
    }

    #[test]
    fn pascal_collisions_take_numeric_suffixes() {
        let mut scope = Scope::new(Case::Pascal);
        let a = scope.add("pet");
        let b = scope.add("Pet");
        let names = scope.settle();
        assert_eq!((names[a].as_str(), names[b].as_str()), ("Pet2", "Pet"));
    }

    #[test]
    fn a_big_list_added_at_once_settles_as_added_one_by_one() {
        // Past the length converted on all threads, with collisions and exact spellings.
        let sources: Vec<String> = (0..2000)
            .map(|n| match n % 4 {
                0 => format!("pet-{}", n % 300),
                1 => format!("Pet{}", n % 300),
                2 => format!("JWTby{n}"),
                _ => "self".to_owned(),
            })
            .collect();
        let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
        for case in [Case::Snake, Case::Pascal] {
            let mut one_by_one = Scope::new(case).reserve(["pet_1", "Pet2"]);
            for source in &sources {
                one_by_one.add(source);
            }
            let mut at_once = Scope::new(case).reserve(["pet_1", "Pet2"]);
            at_once.add_all(&sources);
            assert_eq!(at_once.settle(), one_by_one.settle());
        }
    }

    #[test]
    fn file_name_scopes_suffix_windows_device_names() {
        for reserved in ["con", "CON", "Aux", "nul.rs", "com1", "LPT9", "prn.txt"] {
            assert!(is_windows_reserved(reserved), "{reserved}");
        }
        for allowed in [
            "console",
            "com",
            "com10",
            "lpt0",
            "con_2",
            "auxiliary",
            "com_1",
        ] {
            assert!(!is_windows_reserved(allowed), "{allowed}");
        }
        let mut scope = Scope::new(Case::Snake).file_names();
        let con = scope.add("CON");
        let aux = scope.add("aux");
        let com1 = scope.add("com1");
        let pets = scope.add("pets");
        let names = scope.settle();
        assert_eq!(names[con], "con_2");
        assert_eq!(names[aux], "aux_2");
        assert_eq!(names[com1], "com1_2");
        assert_eq!(names[pets], "pets");
        // Only file names care: other scopes keep the names.
        let mut plain = Scope::new(Case::Snake);
        let con = plain.add("con");
        assert_eq!(plain.settle()[con], "con");
    }

    #[test]
    fn secrets_are_recognised_by_name_and_format() {
        for secret in [
            "password",
            "client_secret",
            "access_token",
            "2FA-token",
            "api_key",
            "apiKey",
            "passcode",
            // Upper case, which the words are lowered from.
            "X-API-KEY",
            "PASSWD",
            "dbCredentials",
            "Authorization",
            "privateKey",
        ] {
            assert!(is_secret(secret, None), "{secret}");
        }
        for plain in [
            "username",
            "token_type",
            "user_scope",
            "jti",
            "keyboard",
            "mfa_type",
        ] {
            assert!(!is_secret(plain, None), "{plain}");
        }
        assert!(is_secret("pin", Some("password")));
    }
}
