//! Fallbacks: what `specs/fallbacks.yaml`'s schemas without an exact Rust shape become, over
//! real HTTP: an operation that declares no responses, response schemas that are `$ref`s to a
//! response, an enum of numbers, objects without properties as maps, and the values that
//! stay `serde_json::Value`.

use std::collections::BTreeMap;

use apiforge_runtime::Error;
use fallbacks::types::{GetStatusResponse, Ratio, Record};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::{assert_target, json_body, mount, only_request, start};

fn client(server: &MockServer) -> fallbacks::Client {
    fallbacks::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("fallbacks client")
}

fn map(value: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(value).expect("an object")
}

#[tokio::test]
async fn no_declared_responses_means_any_2xx_succeeds_and_the_rest_is_unexpected() {
    for status in [200, 204, 299] {
        let server = start().await;
        mount(
            &server,
            "POST",
            "/ping",
            ResponseTemplate::new(status).set_body_string("ignored"),
        )
        .await;
        let response = client(&server)
            .ping()
            .send_with_info()
            .await
            .unwrap_or_else(|error| panic!("{status} succeeds: {error:?}"));
        assert_eq!(response.status().as_u16(), status);
        assert_target(&only_request(&server).await, "POST", "/ping");
    }
    for status in [302, 404, 500] {
        let server = start().await;
        mount(
            &server,
            "POST",
            "/ping",
            ResponseTemplate::new(status).set_body_string("nope"),
        )
        .await;
        let error = client(&server)
            .ping()
            .send()
            .await
            .expect_err("only 2xx succeeds");
        let Error::UnexpectedResponse(response) = &error else {
            panic!("expected UnexpectedResponse for {status}, got {error:?}");
        };
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.body().as_ref(), b"nope");
    }
}

#[tokio::test]
async fn a_schema_ref_to_a_response_decodes_that_response_s_schema() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/records/7",
        ResponseTemplate::new(200).set_body_json(json!({
            "id": 7,
            "ratio": 1.1,
            "attributes": {"size": 3, "nested": {"a": [1]}},
            "extras": {"on": true},
            "tags": {"team": "core"},
            "payload": [1, "two"],
            "code": "A7",
            "nickname": "root",
            "excluded": 5,
        })),
    )
    .await;

    let record = client(&server)
        .get_record(7)
        .send()
        .await
        .expect("200 decodes as a Record");

    assert_target(&only_request(&server).await, "GET", "/records/7");
    assert_eq!(record.id, 7);
    assert_eq!(record.ratio, Ratio::V1Point1);
    assert_eq!(
        record.attributes,
        Some(map(json!({"size": 3, "nested": {"a": [1]}})))
    );
    assert_eq!(record.extras, Some(map(json!({"on": true}))));
    assert_eq!(record.tags, Some(map(json!({"team": "core"}))));
    assert_eq!(record.payload, Some(json!([1, "two"])));
    assert_eq!(record.code, Some(json!("A7")));
    // `not: {enum: [root]}` is not kept (generation warns): the value is accepted.
    assert_eq!(record.nickname.as_deref(), Some("root"));
    assert_eq!(record.excluded, Some(json!(5)));
}

#[tokio::test]
async fn a_schema_written_in_a_referenced_response_is_a_type_of_its_own() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/status",
        ResponseTemplate::new(200).set_body_json(json!({"up": true, "checks": {"db": "ok"}})),
    )
    .await;

    let status = client(&server)
        .get_status()
        .send()
        .await
        .expect("200 decodes");

    let expected = GetStatusResponse {
        up: true,
        checks: Some(BTreeMap::from([("db".to_owned(), "ok".to_owned())])),
        additional_properties: Default::default(),
    };
    assert_eq!(status, expected);
}

#[tokio::test]
async fn number_enums_send_their_values_and_keep_unlisted_ones() {
    let server = start().await;
    mount(
        &server,
        "PUT",
        "/records/1",
        ResponseTemplate::new(200).set_body_json(json!({"id": 1, "ratio": 3.5})),
    )
    .await;
    let record = Record {
        id: 1,
        ratio: Ratio::Minus1Point2,
        attributes: Some(map(json!({"size": 3}))),
        extras: None,
        tags: Some(BTreeMap::new()),
        payload: None,
        code: None,
        nickname: None,
        excluded: None,
        additional_properties: Default::default(),
    };

    let stored = client(&server).put_record(1, record).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({"id": 1, "ratio": -1.2, "attributes": {"size": 3}, "tags": {}})
    );
    let stored = stored.expect("200 decodes");
    assert_eq!(stored.ratio, Ratio::Unknown(json!(3.5)));
    assert_eq!(stored.ratio.value(), json!(3.5));
    assert_eq!(Ratio::from(json!(2)), Ratio::V2);
    assert_eq!(Ratio::V2.value(), json!(2));
    assert_eq!(Ratio::V1Point1.to_string(), "1.1");
}
