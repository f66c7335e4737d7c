//! Binary content a request sends: a raw upload body, or one file part of a multipart form.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

use crate::error::EncodeError;

/// Why a streamed body cannot be sent: `what` names it ("the upload body", "file part `f`").
pub(crate) fn already_sent(what: fmt::Arguments<'_>) -> EncodeError {
    EncodeError::new(format!(
        "{what} is a stream, which can be sent only once, and it was already sent (the call \
         was retried or followed a redirect); upload bytes to allow sending it again"
    ))
}

/// The content of a binary upload body ([`Request::upload_body`](crate::Request::upload_body))
/// or of one file part of a multipart form ([`Form::file`](crate::Form::file)): bytes in memory
/// or a stream read once, with an optional file name and media type.
///
/// Bytes are sent again as often as the call needs (each retry, each redirect followed). A
/// stream can be sent only once: a clone shares it, and sending it a second time (a retry after
/// a `503`, a `307` redirect, the retry after a refused credential) fails with
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest) rather than sending an empty or
/// partial body. Use bytes when a call must be retried.
///
/// `Debug` shows the size (when known), file name and media type, never the content.
#[derive(Clone)]
pub struct Upload {
    content: Content,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
}

#[derive(Clone)]
enum Content {
    Bytes(Bytes),
    Stream {
        /// Shared by every clone and taken by the first send, so that a stream is never sent
        /// twice (the second time it would be empty, or half read).
        body: Arc<Mutex<Option<reqwest::Body>>>,
        length: Option<u64>,
    },
}

impl Upload {
    /// Content held in memory, sent again as often as needed.
    pub fn bytes(data: impl Into<Bytes>) -> Upload {
        Upload::from_content(Content::Bytes(data.into()))
    }

    /// Content read from `stream` as it is sent, once. Its length is unknown, so an upload
    /// body goes with `Transfer-Encoding: chunked`; see [`stream_with_length`](Self::stream_with_length).
    pub fn stream<S, O, E>(stream: S) -> Upload
    where
        S: futures_core::Stream<Item = Result<O, E>> + Send + 'static,
        Bytes: From<O>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Upload::from_stream(reqwest::Body::wrap_stream(stream), None)
    }

    /// Content read from `stream` as it is sent, once, which will be exactly `length` bytes
    /// long: it is sent with that `Content-Length` (some servers refuse chunked uploads). A
    /// stream that turns out shorter or longer fails the call.
    pub fn stream_with_length<S, O, E>(stream: S, length: u64) -> Upload
    where
        S: futures_core::Stream<Item = Result<O, E>> + Send + 'static,
        Bytes: From<O>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Upload::from_stream(reqwest::Body::wrap_stream(stream), Some(length))
    }

    /// The file at `path`, streamed as it is sent (so sent once), with its length as it is
    /// now and its file name (the last component of `path`). The media type is not guessed:
    /// set it with [`content_type`](Self::content_type) when the server needs it.
    pub async fn open(path: impl AsRef<Path>) -> std::io::Result<Upload> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        let upload = Upload::from_stream(reqwest::Body::from(file), Some(length));
        Ok(match path.file_name() {
            Some(name) => upload.file_name(name.to_string_lossy()),
            None => upload,
        })
    }

    /// The file name a multipart part carries (`filename` in its `Content-Disposition`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The media type of the content, such as `image/png`: the `Content-Type` of a multipart
    /// part, and of an upload body whose spec accepts any type (`*/*`, `image/*`).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The length in bytes, when known before sending.
    pub fn len(&self) -> Option<u64> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes.len() as u64),
            Content::Stream { length, .. } => *length,
        }
    }

    /// Whether the content is known to be empty (a stream is not known to be).
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether this is a stream, which can be sent only once.
    pub fn is_stream(&self) -> bool {
        matches!(self.content, Content::Stream { .. })
    }

    /// The content, when it is held in memory.
    pub(crate) fn as_bytes(&self) -> Option<&Bytes> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes),
            Content::Stream { .. } => None,
        }
    }

    /// The body for one send and its length when known; `None` when this is a stream that
    /// was already sent (the caller says which body or part it was).
    pub(crate) fn take_body(&self) -> Option<(reqwest::Body, Option<u64>)> {
        match &self.content {
            Content::Bytes(bytes) => Some((bytes.clone().into(), Some(bytes.len() as u64))),
            Content::Stream { body, length } => {
                // A panic elsewhere while the lock was held cannot leave the `Option` half
                // changed, so a poisoned lock is still sound to use.
                let taken = body.lock().unwrap_or_else(PoisonError::into_inner).take();
                taken.map(|body| (body, *length))
            }
        }
    }

    fn from_stream(body: reqwest::Body, length: Option<u64>) -> Upload {
        Upload::from_content(Content::Stream {
            body: Arc::new(Mutex::new(Some(body))),
            length,
        })
    }

    fn from_content(content: Content) -> Upload {
        Upload {
            content,
            file_name: None,
            content_type: None,
        }
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.content {
            Content::Bytes(_) => "bytes",
            Content::Stream { .. } => "stream",
        };
        f.debug_struct("Upload")
            .field("kind", &kind)
            .field("len", &self.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Bytes> for Upload {
    fn from(data: Bytes) -> Self {
        Upload::bytes(data)
    }
}

impl From<Vec<u8>> for Upload {
    fn from(data: Vec<u8>) -> Self {
        Upload::bytes(data)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(data: &'static [u8]) -> Self {
        Upload::bytes(data)
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Upload::bytes(text)
    }
}

impl From<&'static str> for Upload {
    fn from(text: &'static str) -> Self {
        Upload::bytes(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_size_and_names_never_the_content() {
        let upload = Upload::bytes("hunter2-secret")
            .file_name("notes.txt")
            .content_type("text/plain");
        let shown = format!("{upload:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("14"), "{shown}");
        assert!(shown.contains("notes.txt"), "{shown}");
    }

    #[test]
    fn bytes_are_sent_again_and_a_stream_only_once() {
        let bytes = Upload::from(vec![1, 2, 3]);
        assert!(bytes.take_body().is_some());
        assert!(bytes.take_body().is_some());

        let items: Vec<Result<Bytes, std::io::Error>> = vec![Ok(Bytes::from_static(b"x"))];
        let stream = Upload::stream(Items(Some(items)));
        let clone = stream.clone();
        assert!(stream.take_body().is_some());
        assert!(clone.take_body().is_none());
        let error = already_sent(format_args!("the upload body"));
        assert!(error.to_string().contains("sent only once"), "{error}");
    }

    /// A stream of the items of a `Vec`, without pulling in `futures-util` for `stream::iter`.
    struct Items(Option<Vec<Result<Bytes, std::io::Error>>>);

    impl futures_core::Stream for Items {
        type Item = Result<Bytes, std::io::Error>;

        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            let next = self
                .0
                .as_mut()
                .and_then(|items| (!items.is_empty()).then(|| items.remove(0)));
            std::task::Poll::Ready(next)
        }
    }
}
