//! The constructor and setters of a struct that request bodies carry, as lowering lays them
//! out (`lower::constructors`) and emit writes them.

#[cfg(doc)]
use super::StructDef;
use super::TypeRef;

/// The constructor and setters of a struct that request bodies carry:
/// `Pet::new(name).tag("x")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Constructor {
    /// `new`, taking each required field (`impl Into<T>`) in field order; the others start
    /// unset (`None`, an empty map). `None` when no field is required: the struct derives
    /// `Default` then.
    pub new: Option<New>,
    /// One chainable setter per optional field, in field order.
    pub setters: Vec<Setter>,
}

/// A struct's `new`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct New {
    /// The method's name.
    pub ident: String,
    /// The fields it takes (`impl Into<T>`, named as the fields are), by index into
    /// [`StructDef::fields`], in field order; the others start unset (`None`, an empty map).
    pub arguments: Vec<usize>,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Whether it allows clippy's `too_many_arguments` (more required fields than clippy
    /// takes as arguments).
    pub allow_many_arguments: bool,
}

/// A chainable setter of an optional field: `fn tag(mut self, value: impl Into<T>) -> Self`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Setter {
    /// The method's name: the field's, unless that is taken (`new`) or is a method clippy
    /// wants as a trait (`add`), which gets a suffix.
    pub ident: String,
    /// The field it sets, by index into [`StructDef::fields`].
    pub field: usize,
    /// What the argument converts into: the field's type without its `Option`s.
    pub value: TypeRef,
    /// The field is optional and nullable (`Option<Option<T>>`): the setter sets
    /// `Some(Some(value))`.
    pub nullable: bool,
    /// Doc lines.
    pub docs: Vec<String>,
}
