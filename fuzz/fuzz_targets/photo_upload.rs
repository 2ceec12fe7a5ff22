//! The first chunk of a photo upload (JPEG header check), then the bounded thumbnail decoder.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cgt_server::fuzzing::photo_upload(data);
});
