//! The `/pkg` files (wasm, JavaScript, stylesheet): precompressed copies
//! chosen by `Accept-Encoding`, and cache headers that fit the file names.

mod common;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use common::{Reply, TestApp};
use keyhold::{pkg, verify::VerifyTuning};
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::path::PathBuf;
use tower::ServiceExt;

const WASM: &[u8] = b"\0asm the plain file";
const WASM_BR: &[u8] = b"the brotli copy";
const WASM_GZ: &[u8] = b"the gzip copy";

/// A site root holding `pkg/<name>` with `.br` and `.gz` copies beside it;
/// removed when dropped.
struct Site {
    root: PathBuf,
}

impl Site {
    fn with(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("keyhold-pkg-test-{}", uuid::Uuid::new_v4()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join(name), WASM).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), WASM_BR).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), WASM_GZ).unwrap();
        Self { root }
    }

    /// The whole app, serving this site (`send_raw` sends without signing in).
    fn app(&self, pool: PgPool) -> TestApp {
        let options = LeptosOptions::builder().output_name("keyhold").site_root(self.root.to_str().unwrap()).build();
        TestApp::with_options(pool, options, Default::default(), VerifyTuning::default())
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn get(uri: &str, accept_encoding: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().uri(uri);
    if let Some(encoding) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    request.body(Body::empty()).unwrap()
}

fn header(reply: &Reply, name: header::HeaderName) -> Option<&str> {
    reply.headers.get(name).map(|v| v.to_str().unwrap())
}

#[sqlx::test]
async fn a_browser_accepting_brotli_gets_the_brotli_copy(pool: PgPool) {
    let site = Site::with("keyhold.wasm");
    let reply = site.app(pool).send_raw(get("/pkg/keyhold.wasm", Some("gzip, deflate, br, zstd"))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(header(&reply, header::CONTENT_ENCODING), Some("br"));
    assert_eq!(header(&reply, header::CONTENT_TYPE), Some("application/wasm"));
    assert_eq!(&reply.body[..], WASM_BR);
    assert_eq!(header(&reply, header::VARY), Some("accept-encoding"));
    // Not hashed (no hash file): kept, but asked about every time.
    assert_eq!(header(&reply, header::CACHE_CONTROL), Some(pkg::REVALIDATE));
}

#[sqlx::test]
async fn a_browser_accepting_only_gzip_gets_the_gzip_copy(pool: PgPool) {
    let site = Site::with("keyhold.wasm");
    let reply = site.app(pool).send_raw(get("/pkg/keyhold.wasm", Some("gzip"))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(header(&reply, header::CONTENT_ENCODING), Some("gzip"));
    assert_eq!(&reply.body[..], WASM_GZ);
}

#[sqlx::test]
async fn a_client_accepting_no_encoding_gets_the_plain_file(pool: PgPool) {
    let site = Site::with("keyhold.wasm");
    let app = site.app(pool);
    for accept in [None, Some("identity"), Some("br;q=0, gzip;q=0")] {
        let reply = app.send_raw(get("/pkg/keyhold.wasm", accept)).await;
        assert_eq!(reply.status, StatusCode::OK, "{accept:?}");
        assert_eq!(header(&reply, header::CONTENT_ENCODING), None, "{accept:?}");
        assert_eq!(&reply.body[..], WASM, "{accept:?}");
    }
}

#[sqlx::test]
async fn an_unchanged_file_is_answered_not_modified(pool: PgPool) {
    let site = Site::with("keyhold.wasm");
    let app = site.app(pool);
    let first = app.send_raw(get("/pkg/keyhold.wasm", Some("br"))).await;
    let modified = header(&first, header::LAST_MODIFIED).expect("a Last-Modified to revalidate with").to_owned();
    let mut again = get("/pkg/keyhold.wasm", Some("br"));
    again.headers_mut().insert(header::IF_MODIFIED_SINCE, modified.parse().unwrap());
    let reply = app.send_raw(again).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert!(reply.body.is_empty());
    assert_eq!(header(&reply, header::CACHE_CONTROL), Some(pkg::REVALIDATE));
}

#[sqlx::test]
async fn a_missing_file_is_not_found_and_not_cached(pool: PgPool) {
    let site = Site::with("keyhold.wasm");
    let reply = site.app(pool).send_raw(get("/pkg/keyhold.old.wasm", Some("br"))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&reply, header::CACHE_CONTROL), None);
}

#[tokio::test]
async fn a_file_named_with_the_builds_hash_is_cached_for_a_year() {
    let site = Site::with("keyhold.q-Zl5_x8.wasm");
    std::fs::write(site.root.join("pkg/keyhold.js"), "export {}").unwrap();
    let files: Router = pkg::routes_from("pkg", site.root.join("pkg"), pkg::parse_hashes("js: a1\nwasm: q-Zl5_x8\ncss: b2\n"));
    let response = files.clone().oneshot(get("/pkg/keyhold.q-Zl5_x8.wasm", Some("br"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(response.headers()[header::CACHE_CONTROL], pkg::IMMUTABLE);
    // A name without this build's hash is revalidated.
    let response = files.oneshot(get("/pkg/keyhold.js", Some("br"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], pkg::REVALIDATE);
}
