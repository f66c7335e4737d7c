//! A crate that generates its API client in `build.rs` (see `build.rs`), the way a project
//! uses apiforge without committing a generated crate.

/// The Yat API's client, generated from `specs/yat.yaml` at build time.
#[allow(missing_docs)]
pub mod yat {
    include!(concat!(env!("OUT_DIR"), "/yat.rs"));
}
