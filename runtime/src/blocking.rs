//! Calling a client from synchronous code (feature `blocking`).
//!
//! A generated crate built with its own `blocking` feature offers `send_blocking()` next to
//! `send()`; underneath, it is [`block_on`]:
//!
//! ```no_run
//! # async fn send() -> Result<u16, apiforge_runtime::Error> { Ok(200) }
//! fn send_blocking() -> Result<u16, apiforge_runtime::Error> {
//!     apiforge_runtime::blocking::block_on(send())?
//! }
//! ```

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Handle, Runtime, RuntimeFlavor};

use crate::error::{EncodeError, Error};

/// Why [`block_on`] could not run a future.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockingError {
    /// Called on a thread that is running a current-thread tokio runtime: blocking it would
    /// stop the very runtime the call waits on. Use the async API (`.send().await`) there.
    #[error(
        "cannot block inside a current-thread tokio runtime; call the async method and `.await` it"
    )]
    InsideCurrentThreadRuntime,
    /// The crate's runtime could not be started (the operating system refused a thread or a
    /// timer/IO driver).
    #[error("cannot start the tokio runtime for blocking calls: {0}")]
    Runtime(String),
}

impl<E> From<BlockingError> for Error<E> {
    /// A blocking call that could not run is an invalid request: nothing was sent.
    fn from(error: BlockingError) -> Self {
        Error::InvalidRequest(EncodeError::new(error.to_string()))
    }
}

/// The runtime blocking calls run on: built on first use, kept for the life of the process, so
/// that the connections a client pools stay usable from one call to the next.
fn runtime() -> Result<&'static Runtime, BlockingError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("apiforge-blocking")
                .enable_all()
                .build()
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|reason| BlockingError::Runtime(reason.clone()))
}

/// Runs `future` to completion on a tokio runtime owned by this crate, blocking the thread.
///
/// - **Outside any tokio runtime** (plain `fn main`, a `#[test]`, a thread of your own): the
///   future runs on the crate's runtime, a multi-thread runtime with one worker thread that is
///   built the first time it is needed and kept after that. Never panics.
/// - **Inside a multi-thread tokio runtime** (in an async task, or in `spawn_blocking`): the
///   thread is handed over with [`tokio::task::block_in_place`], so the other tasks of that
///   runtime keep running, and the future runs on the crate's runtime as above.
/// - **Inside a current-thread tokio runtime** (`#[tokio::test]`, `#[tokio::main(flavor =
///   "current_thread")]`): returns [`BlockingError::InsideCurrentThreadRuntime`] rather than
///   deadlocking; use the async API there.
///
/// A client's connections belong to the runtime that opened them: a client used through
/// `block_on` should be used through `block_on` only (or from a runtime that outlives it).
pub fn block_on<F: Future>(future: F) -> Result<F::Output, BlockingError> {
    let runtime = runtime()?;
    match Handle::try_current() {
        Err(_) => Ok(runtime.block_on(future)),
        Ok(handle) => match handle.runtime_flavor() {
            RuntimeFlavor::MultiThread => {
                Ok(tokio::task::block_in_place(|| runtime.block_on(future)))
            }
            _ => Err(BlockingError::InsideCurrentThreadRuntime),
        },
    }
}
