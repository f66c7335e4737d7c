//! The blocking facade (feature `blocking`): usable from plain synchronous code, refused where
//! blocking would deadlock.
#![cfg(feature = "blocking")]

use apiforge_runtime::blocking::{BlockingError, block_on};
use apiforge_runtime::{Client, ClientBuilder, Error, Method, Request};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn a_call_runs_from_a_plain_test_outside_any_runtime() {
    let server = block_on(MockServer::start()).unwrap();
    block_on(
        Mock::given(path("/thing"))
            .respond_with(ResponseTemplate::new(200).set_body_string("hello"))
            .mount(&server),
    )
    .unwrap();
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .build()
        .unwrap();
    // Twice: the second call reuses the pooled connection the first one opened.
    for _ in 0..2 {
        let request = Request::new(Method::GET, "/thing".into(), &[]);
        let response = block_on(client.execute::<()>(request)).unwrap().unwrap();
        assert_eq!(response.body().as_ref(), b"hello");
    }
    // From another thread of the program, too.
    let uri = server.uri();
    let status = std::thread::spawn(move || {
        let client = ClientBuilder::<Client>::new(None, "ua")
            .base_url(uri)
            .build()
            .unwrap();
        let request = Request::new(Method::GET, "/thing".into(), &[]);
        block_on(client.execute::<()>(request))
            .unwrap()
            .unwrap()
            .status()
    })
    .join()
    .unwrap();
    assert_eq!(status.as_u16(), 200);
}

#[test]
fn inside_a_current_thread_runtime_it_is_an_error_not_a_deadlock() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result = runtime.block_on(async { block_on(async { 1 }) });
    assert_eq!(result, Err(BlockingError::InsideCurrentThreadRuntime));
    // Generated `send_blocking` turns it into the operation's error with `?`.
    let error: Error = result.unwrap_err().into();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("current-thread"), "{error}");
}

#[test]
fn inside_a_multi_thread_runtime_it_hands_the_thread_over() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let value = runtime.block_on(async {
        tokio::spawn(async { block_on(async { 41 + 1 }) })
            .await
            .unwrap()
    });
    assert_eq!(value, Ok(42));
}
