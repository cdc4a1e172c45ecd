//! The README's table of consumers and operations is the data-minimisation record: it must say
//! exactly what the committed pacts allow each consumer.

use std::fs;

use crate::support::contract::UPDATE_ENV;
use crate::support::operation::table;

const START: &str = "<!-- consumer-operations:start -->\n";
const END: &str = "<!-- consumer-operations:end -->";

#[test]
fn readme_table_of_consumer_operations_matches_the_committed_pacts() {
    let path = crate::support::package_dir().join("../README.md");
    let readme = fs::read_to_string(&path).expect("the README can be read");
    let start = readme
        .find(START)
        .expect("the README marks the table's start")
        + START.len();
    let end = readme[start..]
        .find(END)
        .expect("the README marks the table's end")
        + start;
    let expected = table();
    if std::env::var(UPDATE_ENV).as_deref() == Ok("1") {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        fs::write(&path, updated).expect("the README can be written");
        return;
    }
    assert!(
        readme[start..end] == expected,
        "the README's consumer operations table disagrees with the pact files; regenerate it \
         with {UPDATE_ENV}=1 cargo test -p contracts\n\nexpected:\n{expected}"
    );
}
