//! The whole read-and-check path on arbitrary bytes: sniff the container, read the
//! workbook, check it with the built-in templates.
//!
//! A panic that `read` catches (calamine's, inside its guard) is silenced there and
//! becomes an error; any other panic reaches libFuzzer's hook and is a crash. So are
//! aborts (allocation failure), timeouts and going over `-rss_limit_mb`.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use jixiao::template::Template;
use libfuzzer_sys::fuzz_target;

fn templates() -> &'static [Template] {
    static T: OnceLock<Vec<Template>> = OnceLock::new();
    T.get_or_init(Template::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Ok(container) = jixiao::read::sniff::sniff_bytes(data.to_vec()) else {
        return;
    };
    let Ok(wb) = jixiao::read::read_container(Path::new("fuzz.xlsx"), container) else {
        return;
    };
    let _ = jixiao::check_workbook(&wb, templates());
});
