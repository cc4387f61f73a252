// The migrations are embedded at build time (`sqlx::migrate!`, `#[sqlx::test]`);
// rebuild when one is added or renamed, not only when one is edited.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
