//! The query string of an OsmAnd position report; what it accepts is a valid position.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(report) = cgt_server::fuzzing::osmand_query(data) {
        assert!(report.point.validate().is_ok());
    }
});
