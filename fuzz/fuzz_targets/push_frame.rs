//! A push frame message: envelope, zstd payload, postcard, then every document merged.
#![no_main]

libfuzzer_sys::fuzz_target!(init: { std::panic::set_hook(Box::new(|_| {})); }, |data: &[u8]| {
    cgt_server::fuzzing::push_frame(data);
});
