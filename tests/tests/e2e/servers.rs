//! Base URLs as the specs give them: absolute, templated, relative.

#[test]
fn an_absolute_first_server_is_the_default() {
    assert_eq!(
        lumminary::Client::new().base_url(),
        "https://api.lumminary.com/v1"
    );
}

#[test]
fn a_templated_server_defaults_its_variables_and_can_be_filled_in() {
    assert_eq!(
        netsapiens::Client::new().base_url(),
        "https://ns-api.com/ns-api/v2"
    );
    assert_eq!(
        netsapiens::server_url("pbx.example.net"),
        "https://pbx.example.net/ns-api/v2"
    );
}

#[test]
fn a_relative_server_needs_a_base_url() {
    let error = verbit::Client::builder().build().unwrap_err();
    assert!(error.to_string().contains("base_url"), "{error}");
    let client = verbit::Client::builder()
        .base_url("https://sandbox-api.verbit.co/api/v1")
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://sandbox-api.verbit.co/api/v1");
    assert!(
        yat::Client::builder().build().is_err(),
        "yat names no server"
    );
}

/// A generated client hands the builder its security schemes, so a credential that could not
/// be sent as its scheme says (a line break would end the header early and start another) is
/// refused when the client is built, before any request, without printing it.
#[test]
fn a_credential_that_cannot_be_sent_is_refused_when_the_client_is_built() {
    let refused = netsapiens::Client::builder()
        .base_url("http://127.0.0.1:9")
        .auth(netsapiens::Auth::bearer("token\r\nX-Injected: 1"))
        .build()
        .expect_err("a line break in a bearer token");
    let message = format!("{refused} {refused:?}");
    assert!(!message.contains("X-Injected"), "{message}");
}
