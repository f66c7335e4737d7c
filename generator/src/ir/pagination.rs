//! The IR of pagination: what asks for an operation's next page and where a page's items are
//! ([`Pagination`], on [`Operation::pagination`](super::Operation::pagination)).

use super::{ParamId, TypeRef};

/// How an operation's results come in pages (`lower/operation/pagination.rs`): what asks for
/// the next page, and where a page's items are.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// What asks for the next page.
    pub style: PageStyle,
    /// The fields from the success body to its array of items; empty when the body is the
    /// array.
    pub items: Vec<FieldStep>,
    /// The type of one item.
    pub item: TypeRef,
}

/// What asks for the next page of a paginated operation.
#[derive(Clone, Debug, PartialEq)]
pub enum PageStyle {
    /// A body field holds the next page's cursor (token), sent back in a query parameter;
    /// absent, `null` or empty on the last page.
    Cursor {
        /// The parameter the cursor is sent in (a `String`).
        param: ParamId,
        /// The fields from the success body to the cursor, a `String`.
        next: Vec<FieldStep>,
    },
    /// Stripe's: while a body field says there are more, the last item's id is sent in a
    /// query parameter (`starting_after`).
    LastItem {
        /// The parameter the id is sent in (a `String`).
        param: ParamId,
        /// The fields from the success body to the `bool` that says there are more pages;
        /// `None` pages until an empty page.
        has_more: Option<Vec<FieldStep>>,
        /// The item's id field, a `String`.
        id: FieldStep,
    },
    /// A page number, one more each page, until an empty page.
    PageNumber {
        /// The page-number parameter (an integer).
        param: ParamId,
        /// The number of the page a request that does not set it gets.
        first: i64,
    },
    /// An offset, moved on by each page's item count, until an empty page.
    Offset {
        /// The offset parameter (an integer).
        param: ParamId,
    },
    /// The response's `Link` header names the next page (`rel="next"`), until it does not.
    Link,
}

/// One field on a path through structs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldStep {
    /// The field's identifier.
    pub ident: String,
    /// What wraps the field's value.
    pub wrap: FieldWrap,
}

/// What a field wraps its value in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldWrap {
    /// Nothing: the value is always there.
    Plain,
    /// `Option<T>`.
    Option,
    /// `Option<Option<T>>`: optional and nullable.
    DoubleOption,
}
