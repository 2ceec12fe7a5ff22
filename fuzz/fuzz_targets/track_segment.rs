//! A patrol track segment body: codec, then every point's checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cgt_server::fuzzing::track_segment(data);
});
