//! OpenAPI 3.2 (`specs/openapi32.yaml`): an `in: querystring` form sent as the pairs of its
//! fields, a `style: cookie` parameter, bodies through reusable media types, and a response
//! that has only a summary, each as the server sees them.

use apiforge_runtime::Auth;
use openapi32::operations::pets::GetPetError;
use openapi32::types::{Pet, PetFilter, PetSpecies};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::{assert_bearer, header, json_body, mount, only_request, start};

fn client(server: &MockServer) -> openapi32::Client {
    openapi32::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(crate::TOKEN))
        .build()
        .expect("openapi32 client")
}

#[tokio::test]
async fn a_querystring_form_sends_one_pair_per_field() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/pets",
        ResponseTemplate::new(200)
            .set_body_json(json!([{"id": 1, "name": "Rex", "species": "dog"}])),
    )
    .await;

    let pets = client(&server)
        .list_pets()
        .filter(PetFilter {
            species: Some("cat & dog".to_owned()),
            limit: Some(2),
            additional_properties: Default::default(),
        })
        .send()
        .await
        .expect("pets");

    assert_eq!(pets.len(), 1);
    assert_eq!(pets[0].species, PetSpecies::Dog);
    let request = only_request(&server).await;
    assert_eq!(
        (request.method.as_str(), request.url.path()),
        ("GET", "/pets")
    );
    assert_bearer(&request);
    let pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    // The parameter's own name is never sent: the query string is the form.
    assert_eq!(
        pairs,
        crate::pairs(&[("species", "cat & dog"), ("limit", "2")])
    );
}

#[tokio::test]
async fn reusable_media_types_carry_the_body_both_ways() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/pets",
        ResponseTemplate::new(201)
            .set_body_json(json!({"id": 7, "name": "Tom", "species": "cat", "nickname": null})),
    )
    .await;

    let added = client(&server)
        .add_pet(Pet {
            id: 0,
            name: "Tom".to_owned(),
            species: PetSpecies::Cat,
            nickname: None,
            additional_properties: Default::default(),
        })
        .send()
        .await
        .expect("added");

    assert_eq!(added.id, 7);
    assert_eq!(added.nickname, Some(None));
    let request = only_request(&server).await;
    assert_eq!(
        json_body(&request),
        json!({"id": 0, "name": "Tom", "species": "cat"})
    );
}

#[tokio::test]
async fn a_cookie_style_parameter_is_a_cookie_and_a_summary_only_response_an_error_case() {
    let server = start().await;
    mount(&server, "GET", "/pets/3", ResponseTemplate::new(404)).await;

    let result = client(&server).get_pet(3).theme("dark").send().await;

    let error = result.expect_err("404 is an error");
    assert_eq!(error.api_error(), Some(&GetPetError::NotFound), "{error:?}");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "cookie"), Some("theme=dark"));
}
