//! The `cgt-pending` header of a sync request.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cgt_server::fuzzing::pending_header(data);
});
