//! An Open311 request form; the GeoReport XML written from it is well-formed.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(xml) = cgt_server::fuzzing::open311_request(data) {
        assert!(roxmltree::Document::parse(&xml).is_ok(), "{xml:?}");
    }
});
