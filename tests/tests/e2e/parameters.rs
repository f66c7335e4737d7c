//! Parameters: every style and location of `specs/parameters.yaml`, checked as the server
//! received them (query pairs decoded, in order; headers; the one `Cookie` header).

use chrono::{TimeZone, Utc};
use parameters::types::{Filter, FilterOwner, Point, SearchColor, SearchOrder};
use wiremock::{MockServer, ResponseTemplate};

use crate::{header, mount, only_request, start};

fn client(server: &MockServer) -> parameters::Client {
    parameters::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("parameters client")
}

/// The query pairs the server received, decoded, in order.
fn query_pairs(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    crate::pairs(items)
}

#[tokio::test]
async fn every_query_style_is_serialized_as_openapi_says() {
    let server = start().await;
    mount(&server, "GET", "/search", ResponseTemplate::new(204)).await;

    client(&server)
        .search(10)
        .tags(vec!["a b".to_owned(), "c&d".to_owned()])
        .ids(vec![1, 2, 3])
        .words(vec!["x".to_owned(), "y".to_owned()])
        .flags(vec![true, false])
        .filter(Filter {
            status: Some("open".to_owned()),
            owner: Some(FilterOwner {
                name: Some("ann".to_owned()),
                additional_properties: Default::default(),
            }),
            sizes: Some(vec![4, 5]),
            additional_properties: Default::default(),
        })
        .point(Point {
            x: 1,
            y: -2,
            additional_properties: Default::default(),
        })
        .color(SearchColor {
            r: Some(255),
            g: Some(0),
            additional_properties: Default::default(),
        })
        .order(SearchOrder::Desc)
        .since(Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap())
        .send()
        .await
        .expect("search");

    let request = only_request(&server).await;
    assert_eq!(
        query_pairs(&request),
        pairs(&[
            ("limit", "10"),
            ("tags", "a b"),
            ("tags", "c&d"),
            ("ids", "1,2,3"),
            ("words", "x y"),
            ("flags", "true|false"),
            ("filter[status]", "open"),
            ("filter[owner][name]", "ann"),
            ("filter[sizes][0]", "4"),
            ("filter[sizes][1]", "5"),
            ("point", "x,1,y,-2"),
            ("r", "255"),
            ("g", "0"),
            ("order", "desc"),
            ("since", "2026-11-23T10:00:00Z"),
        ])
    );
}

#[tokio::test]
async fn optional_query_parameters_left_unset_are_not_sent() {
    let server = start().await;
    mount(&server, "GET", "/search", ResponseTemplate::new(204)).await;

    client(&server).search(1).send().await.expect("search");

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("limit=1"));
}

#[tokio::test]
async fn path_level_and_referenced_parameters_headers_and_cookies_arrive() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/accounts/42/items/a%2Fb%20c",
        ResponseTemplate::new(204),
    )
    .await;

    client(&server)
        .get_item(42, "a/b c")
        .x_trace_id("t-1")
        .x_features(vec!["beta".to_owned(), "dark".to_owned()])
        .session("s1")
        .theme("dark")
        .send()
        .await
        .expect("get item");

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/accounts/42/items/a%2Fb%20c");
    assert_eq!(header(&request, "x-trace-id"), Some("t-1"));
    assert_eq!(header(&request, "x-features"), Some("beta,dark"));
    assert_eq!(header(&request, "cookie"), Some("session=s1; theme=dark"));
}

#[tokio::test]
async fn path_level_parameters_are_shared_by_every_operation_of_the_path() {
    let server = start().await;
    mount(
        &server,
        "DELETE",
        "/accounts/7/items/x",
        ResponseTemplate::new(204),
    )
    .await;

    client(&server)
        .delete_item(7, "x")
        .force(true)
        .send()
        .await
        .expect("delete item");

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("force=true"));
    assert_eq!(header(&request, "cookie"), None);
}
