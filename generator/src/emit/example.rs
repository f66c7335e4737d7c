//! The token-flow example: one piece of Rust shown in the README and compiled as a doctest of
//! the crate docs, so the README's example cannot drift from the code.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, print};
use crate::ir::{Api, ExampleValue, TokenFlow};

/// What the example shows, as paragraphs of Markdown (which rustdoc reads too).
pub(super) fn token_flow_text(api: &Api, flow: &TokenFlow) -> Vec<String> {
    vec![
        format!(
            "`{}` hands out tokens. A `TokenProvider` calls it before the first request that needs a credential and keeps the token until shortly before it expires, which it learns from the JWT's own `exp` claim, from `Token::expires_in` when the response says, or from `.lifetime(...)` when the API documents a fixed one. Requests that need a token while one is being fetched wait for that one fetch, and a request the server refuses with `401` is sent once more with a fresh token.",
            flow.operation
        ),
        format!(
            "`{0}::Token` and `{0}::TokenProvider` are the runtime's, re-exported.",
            api.lib_name
        ),
    ]
}

/// The example's code, formatted.
pub(super) fn token_flow_code(api: &Api, flow: &TokenFlow) -> String {
    let lib = ident(&api.lib_name);
    let operation = ident(&flow.operation);
    let arguments = flow
        .arguments
        .iter()
        .map(|value| value_tokens(api, value, false));
    let body = flow.optional_body.as_ref().map(|value| {
        let value = value_tokens(api, value, false);
        quote! { .body(#value) }
    });
    let token = flow.token_path.iter().map(|field| ident(field));
    let base_url = api
        .default_base_url
        .is_none()
        .then(|| quote! { .base_url("https://api.example.com") });
    let then = flow.then.as_deref().map(|method| {
        let method = ident(method);
        quote! {
            let result = client.#method().send().await?;
            println!("{result:?}");
        }
    });
    let doc = format!(
        " A client that calls `{}` for a token when it needs one.",
        flow.operation
    );
    let file: syn::File = syn::parse_quote! {
        use #lib::{Client, Token, TokenProvider};

        #[doc = #doc]
        async fn client() -> Result<Client, Box<dyn std::error::Error>> {
            let login = Client::builder() #base_url .build()?;
            let provider = TokenProvider::new(move || {
                let login = login.clone();
                async move {
                    login
                        .#operation(#(#arguments),*)
                        #body
                        .send()
                        .await
                        .map(|response| Token::new(response #(.#token)*))
                }
            });
            let client = Client::builder()
                #base_url
                .auth_provider(provider)
                .build()?;
            #then
            Ok(client)
        }
    };
    let items: Vec<String> = file
        .items
        .into_iter()
        .map(|item| print(Vec::new(), vec![item]))
        .collect();
    items.join("\n")
}

/// `value` as an expression; strings in struct fields are owned.
fn value_tokens(api: &Api, value: &ExampleValue, in_struct: bool) -> TokenStream {
    let lib = ident(&api.lib_name);
    match value {
        ExampleValue::Str(text) if in_struct => quote! { #text.to_owned() },
        ExampleValue::Str(text) => quote! { #text },
        ExampleValue::Int(number) => {
            let number = proc_macro2::Literal::i64_unsuffixed(*number);
            quote! { #number }
        }
        ExampleValue::Bool(value) => quote! { #value },
        ExampleValue::None => quote! { None },
        ExampleValue::Default => quote! { Default::default() },
        ExampleValue::Float(number) => {
            let number = proc_macro2::Literal::f64_unsuffixed(*number);
            quote! { #number }
        }
        ExampleValue::Now => quote! { ::chrono::Utc::now() },
        ExampleValue::NewUuid => quote! { ::uuid::Uuid::new_v4() },
        ExampleValue::EmptyJson => quote! { ::serde_json::json!({}) },
        ExampleValue::EmptyList => quote! { vec![] },
        ExampleValue::Placeholder(name) => {
            let name = ident(name);
            quote! { #name }
        }
        ExampleValue::Variant { ty, variant } => {
            let ty = ident(&api.type_def(*ty).ident);
            let variant = ident(variant);
            quote! { #lib::types::#ty::#variant }
        }
        ExampleValue::New {
            ty,
            method,
            arguments,
        } => {
            let ty = ident(&api.type_def(*ty).ident);
            let method = ident(method);
            let arguments = arguments
                .iter()
                .map(|value| value_tokens(api, value, false));
            quote! { #lib::types::#ty::#method(#(#arguments),*) }
        }
        ExampleValue::Struct { ty, fields } => {
            let ty = ident(&api.type_def(*ty).ident);
            let fields = fields.iter().map(|(name, value)| {
                let name = ident(name);
                let value = value_tokens(api, value, true);
                quote! { #name: #value }
            });
            quote! { #lib::types::#ty { #(#fields),* } }
        }
    }
}
