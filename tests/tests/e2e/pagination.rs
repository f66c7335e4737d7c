//! Pagination (`specs/pagination.yaml`): every way of paging through `.items()` and
//! `.pages()` over real HTTP, the first request's parameters kept on every page, a retry in
//! the middle, the stops (a repeated cursor, a link to another origin, an error), and the
//! blocking iterators.

use std::pin::Pin;
use std::time::Duration;

use apiforge_runtime::{Auth, Error, PaginationError, RetryPolicy};
use futures_core::Stream;
use pagination::operations::ListWidgetsError;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{TOKEN, assert_bearer, header, requests, sequence, start};

fn client(server: &MockServer) -> pagination::Client {
    pagination::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(TOKEN))
        .build()
        .expect("pagination client")
}

/// The value of query parameter `name`, if sent (once at most).
fn query(request: &Request, name: &str) -> Option<String> {
    let mut values = request
        .url
        .query_pairs()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned());
    let value = values.next();
    assert_eq!(
        values.next(),
        None,
        "{name} sent more than once: {}",
        request.url
    );
    value
}

/// Answers `GET route` with `respond(request)`.
async fn serve(
    server: &MockServer,
    route: &str,
    respond: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(respond)
        .mount(server)
        .await;
}

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Every item of a stream, errors included, until its end.
async fn drain<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut all = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        all.push(item);
    }
    all
}

async fn widgets(server: &MockServer) {
    serve(server, "/widgets", |request| {
        match query(request, "cursor").as_deref() {
            None => ok(json!({
                "data": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
                "meta": {"next_cursor": "c2"},
            })),
            Some("c2") => {
                ok(json!({"data": [{"id": 3, "name": "c"}], "meta": {"next_cursor": null}}))
            }
            Some(other) => ResponseTemplate::new(400).set_body_json(json!({"message": other})),
        }
    })
    .await;
}

#[tokio::test]
async fn cursor_items_follow_a_nested_cursor_and_keep_every_parameter() {
    let server = start().await;
    widgets(&server).await;
    let client = client(&server);
    let mut items = client
        .list_widgets()
        .limit(2)
        .color("red")
        .x_tenant("acme")
        .items();
    // The streams' own `next`, with no stream combinator crate.
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        ids.push(item.expect("an item").id);
    }
    assert_eq!(ids, [1, 2, 3]);

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "the null cursor ends paging");
    assert_eq!(query(&sent[0], "cursor"), None);
    assert_eq!(query(&sent[1], "cursor").as_deref(), Some("c2"));
    for request in &sent {
        assert_eq!(query(request, "limit").as_deref(), Some("2"));
        assert_eq!(query(request, "color").as_deref(), Some("red"));
        assert_eq!(header(request, "x-tenant"), Some("acme"));
        assert_bearer(request);
    }
}

#[tokio::test]
async fn cursor_pages_keep_status_and_headers_and_a_typed_error_ends_them() {
    let server = start().await;
    widgets(&server).await;
    let client = client(&server);
    let pages = client.list_widgets().pages();
    let pages = drain(pages).await;
    assert_eq!(pages.len(), 2);
    for page in &pages {
        let page = page.as_ref().expect("a page");
        assert_eq!(page.status(), 200);
        assert!(page.headers().contains_key("content-type"));
    }
    let counts: Vec<usize> = pages
        .into_iter()
        .map(|page| page.expect("a page").into_body().data.len())
        .collect();
    assert_eq!(counts, [2, 1]);

    // A cursor the server refuses: the declared error, then nothing more.
    let pages = client.list_widgets().cursor("bad").pages();
    let results = drain(pages).await;
    assert_eq!(results.len(), 1);
    match &results[0] {
        Err(Error::Api(error)) => {
            assert!(matches!(&error.body, ListWidgetsError::BadRequest(p) if p.message == "bad"))
        }
        other => panic!("expected the typed 400, got {other:?}"),
    }
}

#[tokio::test]
async fn stripe_pages_send_the_last_id_while_has_more() {
    let server = start().await;
    serve(&server, "/customers", |request| {
        let page = |ids: &[&str], has_more: bool| {
            let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
            ok(json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/customers"}))
        };
        match query(request, "starting_after").as_deref() {
            None => page(&["cus_1", "cus_2"], true),
            Some("cus_2") => page(&["cus_3"], false),
            Some(_) => ResponseTemplate::new(500),
        }
    })
    .await;
    let client = client(&server);
    let items = client.list_customers().email("a@example.com").items();
    let ids: Vec<String> = drain(items)
        .await
        .into_iter()
        .map(|item| item.expect("an item").id)
        .collect();
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3"]);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "has_more: false ends paging");
    assert_eq!(query(&sent[1], "starting_after").as_deref(), Some("cus_2"));
    for request in &sent {
        assert_eq!(query(request, "email").as_deref(), Some("a@example.com"));
    }
}

#[tokio::test]
async fn link_pages_follow_rel_next_with_credentials_on_the_same_origin() {
    let server = start().await;
    let next = format!(
        "<{0}/repositories/7/issues?page=2&per_page=2>; rel=\"next\", <{0}/repositories/7/issues?page=9&per_page=2>; rel=\"last\"",
        server.uri()
    );
    serve(&server, "/repos/octo/issues", move |_| {
        ok(json!([{"number": 1, "title": "a"}, {"number": 2, "title": "b"}]))
            .insert_header("link", next.as_str())
    })
    .await;
    serve(&server, "/repositories/7/issues", |request| {
        assert_eq!(query(request, "page").as_deref(), Some("2"));
        ok(json!([{"number": 3, "title": "c"}]))
    })
    .await;
    let client = client(&server);
    let pages = client
        .list_issues("octo")
        .state(pagination::types::ListIssuesState::Open)
        .per_page(2)
        .pages();
    let pages: Vec<_> = drain(pages)
        .await
        .into_iter()
        .map(|page| page.expect("a page"))
        .collect();
    assert_eq!(pages.len(), 2, "no next link ends paging");
    assert!(
        pages[0].typed_headers().link.is_some(),
        "typed headers kept"
    );
    let numbers: Vec<i64> = pages
        .into_iter()
        .flat_map(|page| page.into_body())
        .map(|issue| issue.number)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);

    let sent = requests(&server).await;
    assert_eq!(sent[1].url.path(), "/repositories/7/issues");
    // The link's own query is sent as given; the request's parameters it leaves out are added.
    assert_eq!(query(&sent[1], "per_page").as_deref(), Some("2"));
    assert_eq!(query(&sent[1], "state").as_deref(), Some("open"));
    for request in &sent {
        assert_bearer(request);
    }
}

#[tokio::test]
async fn a_link_to_another_origin_is_refused_not_followed() {
    let server = start().await;
    serve(&server, "/repos/octo/issues", |_| {
        ok(json!([{"number": 1, "title": "a"}]))
            .insert_header("link", "<http://evil.example/steal?page=2>; rel=\"next\"")
    })
    .await;
    let client = client(&server);
    let items = client.list_issues("octo").items();
    let results = drain(items).await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("the first item").number, 1);
    match &results[1] {
        Err(Error::Pagination(PaginationError::ForeignLink { origin })) => {
            assert_eq!(origin, "http://evil.example")
        }
        other => panic!("expected a refused link, got {other:?}"),
    }
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn page_numbers_count_up_until_an_empty_page() {
    let server = start().await;
    serve(&server, "/records", |request| {
        let ids: &[&str] = match query(request, "page").as_deref() {
            None => &["a", "b"],
            Some("2") => &["c"],
            _ => &[],
        };
        let results: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
        ok(json!({"results": results, "total": 3}))
    })
    .await;
    let client = client(&server);
    let items = client.search_records("x").per_page(2).items();
    let ids: Vec<String> = drain(items)
        .await
        .into_iter()
        .map(|item| item.expect("an item").id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let sent = requests(&server).await;
    let pages: Vec<Option<String>> = sent.iter().map(|r| query(r, "page")).collect();
    assert_eq!(pages, [None, Some("2".to_owned()), Some("3".to_owned())]);
    for request in &sent {
        assert_eq!(query(request, "q").as_deref(), Some("x"));
        assert_eq!(query(request, "per_page").as_deref(), Some("2"));
    }
}

#[tokio::test]
async fn offsets_move_by_each_page_and_a_503_mid_stream_is_retried() {
    let server = start().await;
    let failed_once = std::sync::atomic::AtomicBool::new(false);
    serve(&server, "/events", move |request| {
        match query(request, "offset").as_deref() {
            None => ok(json!([{"seq": 1}, {"seq": 2}])),
            Some("2") if !failed_once.swap(true, std::sync::atomic::Ordering::SeqCst) => {
                ResponseTemplate::new(503)
            }
            Some("2") => ok(json!([{"seq": 3}])),
            _ => ok(json!([])),
        }
    })
    .await;
    let client = pagination::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(TOKEN))
        .retry_policy(RetryPolicy::new(3).base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");
    let items = client.list_events().limit(2).kind("deploy").items();
    let seqs: Vec<i64> = drain(items)
        .await
        .into_iter()
        .map(|item| item.expect("an item").seq)
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
    let sent = requests(&server).await;
    let offsets: Vec<Option<String>> = sent.iter().map(|r| query(r, "offset")).collect();
    let at = |offset: &str| Some(offset.to_owned());
    assert_eq!(offsets, [None, at("2"), at("2"), at("3")]);
    for request in &sent {
        assert_eq!(query(request, "kind").as_deref(), Some("deploy"));
        assert_bearer(request);
    }
}

#[tokio::test]
async fn a_repeated_cursor_ends_paging_with_an_error() {
    let server = start().await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .respond_with(sequence(|n, _| {
            ok(json!({"items": [{"name": format!("p{n}")}], "next_page": "same"}))
        }))
        .mount(&server)
        .await;
    let client = client(&server);
    let pages = client.list_projects().pages();
    let results = drain(pages).await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[0].is_ok() && results[1].is_ok());
    assert!(
        matches!(
            results[2],
            Err(Error::Pagination(PaginationError::RepeatedCursor))
        ),
        "{:?}",
        results[2]
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(query(&sent[1], "page_token").as_deref(), Some("same"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_iterators_page_from_synchronous_code() {
    let server = start().await;
    serve(&server, "/tasks", |request| {
        match query(request, "after").as_deref() {
            None => ok(json!({"tasks": [{"title": "one"}], "paging": {"after": "t1"}})),
            Some("t1") => ok(json!({"tasks": [{"title": "two"}], "paging": {}})),
            Some(_) => ResponseTemplate::new(500),
        }
    })
    .await;
    let uri = server.uri();
    let (titles, pages) = tokio::task::spawn_blocking(move || {
        let client = pagination::Client::builder()
            .base_url(uri)
            .auth(Auth::bearer(TOKEN))
            .build()
            .expect("client");
        let titles: Vec<String> = client
            .list_tasks()
            .items_blocking()
            .map(|task| task.expect("a task").title)
            .collect();
        let pages = client.list_tasks().pages_blocking().count();
        (titles, pages)
    })
    .await
    .expect("the blocking thread");
    assert_eq!(titles, ["one", "two"]);
    assert_eq!(pages, 2);
}
