//! Every page of a paginated operation, as a stream of pages or of items.
//!
//! A generated crate implements [`Paginate`] on the request builder of each operation whose
//! results come in pages, and gives the builder `pages()` and `items()` (and, with its
//! `blocking` feature, `pages_blocking()` and `items_blocking()`), which return the
//! [`Pages`] and [`Items`] streams of this module. A page is sent as any other request of the
//! operation is ([`Operation`]); the implementation only says where a page's items are, what
//! asks for the next page and how to set it on the request. The loop, its end and its guards
//! are here, once:
//!
//! - Each page is the first request, cloned, with only the cursor (page number, offset) set
//!   anew: every other parameter is kept. Each is an ordinary send, so the client's retry
//!   policy, credentials, redirects and hooks apply to every page.
//! - Paging ends after a page with no items, or when the page gives no next cursor (the
//!   field is absent, `null` or empty, `has_more` is false, there is no `rel="next"` link).
//! - A cursor (or next link, or page number) that came before ends the stream with
//!   [`PaginationError::RepeatedCursor`] after the page that repeated it, instead of looping.
//! - A `Link` header's next URL is resolved against the base URL; one on another origin ends
//!   the stream with [`PaginationError::ForeignLink`], so that no credential goes there. The
//!   link's query is sent as given; the request's own query parameters that it leaves out
//!   are added to it.
//! - An error ends the stream after it is yielded.

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use reqwest::header::{HeaderMap, LINK};
use url::Url;

use crate::credential::BoxFuture;
use crate::error::{Error, PaginationError};
use crate::operation::{self, Operation, SendResult};
use crate::response::Response;

tokio::task_local! {
    /// The next link a page request goes to instead of its own path and query, for the
    /// first request the client sends in this scope (taken by [`take_next_link`]).
    static NEXT_LINK: Cell<Option<Url>>;
}

/// The next link set for the request being sent, taken so that a request sent while this one
/// is under way (a token call of a credential provider) does not see it.
pub(crate) fn take_next_link() -> Option<Url> {
    NEXT_LINK.try_with(Cell::take).ok().flatten()
}

/// What one page's request returns: the page with its status and headers, or why not.
pub type PageResult<P> = SendResult<P>;

/// A request whose results come in pages; generated crates implement it on the request
/// builders of paginated operations. A page is the operation's
/// [`Output`](crate::Call::Output), sent as any other request is.
pub trait Paginate: Operation<Output: Send, Headers: Send, Error: Send> + Clone + Send {
    /// One item of a page.
    type Item: Send;
    /// What asks for the next page: a cursor or token, a page number or offset, or a
    /// [`NextLink`].
    type Cursor: PageCursor;

    /// The page's items.
    fn page_items(page: &Self::Output) -> &[Self::Item];

    /// The page's items, owned.
    fn into_page_items(page: Self::Output) -> Vec<Self::Item>;

    /// What asks for the page after `page`, which this request fetched; `None` when `page`
    /// is the last.
    fn next_cursor(&self, page: &Response<Self::Output, Self::Headers>) -> Option<Self::Cursor>;

    /// Sets `cursor` on the request. A [`NextLink`] needs nothing set: the link is the URL.
    fn set_cursor(&mut self, cursor: Self::Cursor) {
        let _ = cursor;
    }
}

/// A value that asks for a page: compared with those that came before to stop a loop.
pub trait PageCursor: Clone + Eq + Hash + Send {
    /// The URL to send the next request to instead of the request's own, when the cursor is
    /// a link.
    fn link(&self) -> Option<&str> {
        None
    }
}

impl PageCursor for String {}
impl PageCursor for i32 {}
impl PageCursor for i64 {}
impl PageCursor for u32 {}
impl PageCursor for u64 {}

/// The `rel="next"` target of a response's `Link` headers (RFC 8288), as written: an absolute
/// URL, or one relative to the base URL.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NextLink(String);

impl NextLink {
    /// The first link of `headers` whose relation types include `next`, if any.
    pub fn find(headers: &HeaderMap) -> Option<NextLink> {
        headers
            .get_all(LINK)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(next_target)
            .map(|target| NextLink(target.to_owned()))
    }
}

impl PageCursor for NextLink {
    fn link(&self) -> Option<&str> {
        Some(&self.0)
    }
}

impl fmt::Debug for NextLink {
    /// Shows no part of the link: its query may hold a token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NextLink(..)")
    }
}

/// The target of the first `rel="next"` link in one `Link` header value.
fn next_target(value: &str) -> Option<&str> {
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let after_open = rest.strip_prefix('<')?;
        let close = after_open.find('>')?;
        let target = &after_open[..close];
        rest = &after_open[close + 1..];
        // The link's parameters run to the next comma outside a quoted string.
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .map_or(rest.len(), |(index, _)| index);
        let params = &rest[..end];
        rest = &rest[end..];
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim());
        }
    }
}

/// `current` (or `first` when the request does not set it) plus `by`: the next page number
/// or offset, or `None` when it does not fit the parameter's type.
pub fn step<T>(current: Option<T>, first: i64, by: usize) -> Option<T>
where
    T: TryInto<i64> + TryFrom<i64>,
{
    let current = match current {
        Some(value) => value.try_into().ok()?,
        None => first,
    };
    let next = current.checked_add(i64::try_from(by).ok()?)?;
    T::try_from(next).ok()
}

/// A cursor field's value as the next cursor: `None` when it is absent or empty.
pub fn cursor<S: AsRef<str>>(value: Option<S>) -> Option<String> {
    value
        .map(|value| value.as_ref().to_owned())
        .filter(|value| !value.is_empty())
}

/// Every page of a paginated request, as a [`Stream`] of pages with their status and headers;
/// see the [module](self) for when it ends. Made by a request builder's `pages()`.
#[must_use = "a stream does nothing until polled"]
pub struct Pages<'a, P: Paginate + 'a> {
    /// The request for the next page, until there is none.
    next: Option<P>,
    /// The request of the page in flight, kept to find the cursor after it.
    sent: Option<P>,
    in_flight: Option<BoxFuture<'a, PageResult<P>>>,
    /// The absolute URL the next request goes to, for a link cursor.
    link: Option<Url>,
    /// Why paging stops, yielded after the page that said so.
    stop: Option<PaginationError>,
    seen: HashSet<P::Cursor>,
}

// Nothing of a `Pages` is pinned in place: the future in flight is boxed, and `P` is only
// ever moved.
impl<'a, P: Paginate + 'a> Unpin for Pages<'a, P> {}

impl<'a, P: Paginate + 'a> Pages<'a, P> {
    /// The pages `first` starts.
    pub fn new(first: P) -> Self {
        Pages {
            next: Some(first),
            sent: None,
            in_flight: None,
            link: None,
            stop: None,
            seen: HashSet::new(),
        }
    }

    /// The next page, or `None` once paging is over: [`Stream::poll_next`] as a future, so
    /// that a loop needs no stream combinator crate
    /// (`while let Some(page) = pages.next().await`).
    pub async fn next(&mut self) -> Option<PageResult<P>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The same pages, each item by item.
    pub fn items(self) -> Items<'a, P> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    /// Sets up the request for the page after `page`, which `sent` fetched, if there is one.
    fn follow(&mut self, sent: P, page: &Response<P::Output, P::Headers>) {
        if P::page_items(page.body()).is_empty() {
            return;
        }
        let Some(cursor) = sent.next_cursor(page) else {
            return;
        };
        if !self.seen.insert(cursor.clone()) {
            self.stop = Some(PaginationError::RepeatedCursor);
            return;
        }
        if let Some(link) = cursor.link() {
            match resolve_link(sent.client().base_url(), link) {
                Ok(url) => self.link = Some(url),
                Err(error) => {
                    self.stop = Some(error);
                    return;
                }
            }
        }
        let mut next = sent;
        next.set_cursor(cursor);
        self.next = Some(next);
    }
}

/// `link` resolved against `base_url`, refused unless it has the base URL's origin.
fn resolve_link(base_url: &str, link: &str) -> Result<Url, PaginationError> {
    let base = Url::parse(base_url).map_err(|_| PaginationError::InvalidLink)?;
    let url = base.join(link).map_err(|_| PaginationError::InvalidLink)?;
    if url.origin() != base.origin() {
        return Err(PaginationError::ForeignLink {
            origin: url.origin().ascii_serialization(),
        });
    }
    Ok(url)
}

impl<'a, P: Paginate + 'a> Stream for Pages<'a, P> {
    type Item = PageResult<P>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(in_flight) = &mut this.in_flight {
            let result = ready!(in_flight.as_mut().poll(cx));
            this.in_flight = None;
            let sent = this.sent.take();
            return Poll::Ready(Some(match result {
                Ok(page) => {
                    if let Some(sent) = sent {
                        this.follow(sent, &page);
                    }
                    Ok(page)
                }
                Err(error) => Err(error),
            }));
        }
        if let Some(stop) = this.stop.take() {
            return Poll::Ready(Some(Err(Error::Pagination(stop))));
        }
        let Some(request) = this.next.take() else {
            return Poll::Ready(None);
        };
        this.sent = Some(request.clone());
        let send = operation::send_with_info(request);
        this.in_flight = Some(match this.link.take() {
            Some(url) => Box::pin(NEXT_LINK.scope(Cell::new(Some(url)), send)),
            None => Box::pin(send),
        });
        // Polled at once, so that the waker is registered with the request under way.
        Pin::new(this).poll_next(cx)
    }
}

impl<'a, P: Paginate + 'a> fmt::Debug for Pages<'a, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("in_flight", &self.in_flight.is_some())
            .field("done", &(self.next.is_none() && self.in_flight.is_none()))
            .finish_non_exhaustive()
    }
}

/// Every item of every page of a paginated request, as a [`Stream`]; an error ends it after
/// it is yielded. Made by a request builder's `items()`.
#[must_use = "a stream does nothing until polled"]
pub struct Items<'a, P: Paginate + 'a> {
    pages: Pages<'a, P>,
    current: std::vec::IntoIter<P::Item>,
}

// As for `Pages`: nothing is pinned in place.
impl<'a, P: Paginate + 'a> Unpin for Items<'a, P> {}

impl<'a, P: Paginate + 'a> Items<'a, P> {
    /// The next item, or `None` once paging is over, as [`Pages::next`].
    pub async fn next(&mut self) -> Option<Result<P::Item, Error<P::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<'a, P: Paginate + 'a> Stream for Items<'a, P> {
    type Item = Result<P::Item, Error<P::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.current = P::into_page_items(page.into_body()).into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<'a, P: Paginate + 'a> fmt::Debug for Items<'a, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish()
    }
}

#[cfg(feature = "blocking")]
pub use self::blocking::BlockingIter;

#[cfg(feature = "blocking")]
mod blocking {
    use std::pin::Pin;

    use futures_core::Stream;

    use crate::error::Error;

    /// A page or item stream as an [`Iterator`] for synchronous code, each step run with
    /// [`block_on`](crate::blocking::block_on) (feature `blocking`). Made by a request
    /// builder's `pages_blocking()` and `items_blocking()`.
    #[derive(Debug)]
    #[must_use = "an iterator does nothing until iterated"]
    pub struct BlockingIter<S> {
        stream: Option<S>,
    }

    impl<S> BlockingIter<S> {
        /// Iterates over `stream`.
        pub fn new(stream: S) -> Self {
            BlockingIter {
                stream: Some(stream),
            }
        }
    }

    impl<S, T, E> Iterator for BlockingIter<S>
    where
        S: Stream<Item = Result<T, Error<E>>> + Unpin,
    {
        type Item = Result<T, Error<E>>;

        fn next(&mut self) -> Option<Self::Item> {
            let stream = self.stream.as_mut()?;
            let next = std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx));
            match crate::blocking::block_on(next) {
                Ok(Some(item)) => Some(item),
                Ok(None) => {
                    self.stream = None;
                    None
                }
                // The step could not run (inside a current-thread runtime): said once.
                Err(error) => {
                    self.stream = None;
                    Some(Err(error.into()))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn link(values: &[&str]) -> Option<String> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(LINK, HeaderValue::from_str(value).unwrap());
        }
        NextLink::find(&headers).map(|link| link.0)
    }

    #[test]
    fn the_next_link_is_found_among_others_and_across_headers() {
        let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            link(&[github]).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        let last_first = r#"</a?x=1,2>; rel="last"; title="a, b", </b>; rel="prev next""#;
        assert_eq!(link(&[last_first]).as_deref(), Some("/b"));
        assert_eq!(
            link(&[r#"</p>; rel="prev""#, "</n>; REL=next"]).as_deref(),
            Some("/n")
        );
        assert_eq!(link(&[r#"</p>; rel="prev""#]), None);
        assert_eq!(link(&["garbage"]), None);
        assert_eq!(link(&[]), None);
    }

    #[test]
    fn links_resolve_against_the_base_url_and_stay_on_its_origin() {
        let base = "http://127.0.0.1:8080/api";
        assert_eq!(
            resolve_link(base, "/api/items?page=2").unwrap().as_str(),
            "http://127.0.0.1:8080/api/items?page=2"
        );
        assert_eq!(
            resolve_link(base, "http://127.0.0.1:8080/x")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/x"
        );
        assert_eq!(
            resolve_link(base, "https://127.0.0.1:8080/x"),
            Err(PaginationError::ForeignLink {
                origin: "https://127.0.0.1:8080".to_owned()
            })
        );
        assert_eq!(
            resolve_link(base, "http://evil.example/x?token=1"),
            Err(PaginationError::ForeignLink {
                origin: "http://evil.example".to_owned()
            })
        );
    }

    #[test]
    fn steps_start_from_the_first_value_and_stay_in_the_type() {
        assert_eq!(step::<i32>(None, 1, 1), Some(2));
        assert_eq!(step(Some(4_i64), 1, 1), Some(5));
        assert_eq!(step::<u32>(None, 0, 25), Some(25));
        assert_eq!(step(Some(i32::MAX), 0, 1), None);
        assert_eq!(cursor(Some("")), None);
        assert_eq!(cursor(None::<&str>), None);
        assert_eq!(cursor(Some(&"abc".to_owned())), Some("abc".to_owned()));
    }
}
