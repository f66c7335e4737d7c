//! Arbitrary bytes through load, lower and emit: an error is fine, a panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiforge_generator::generate("fuzz.yaml", data, &apiforge_fuzz_settings());
});

fn apiforge_fuzz_settings() -> apiforge_generator::Settings {
    apiforge_generator::Settings::new("fuzz")
}
