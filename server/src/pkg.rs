//! The site's `/pkg` files: the wasm, its JavaScript and the stylesheet.
//! Served precompressed where the build left a `.br` or `.gz` copy beside a
//! file (`cargo leptos build --release --precompress`, as
//! `scripts/build-release` runs it), chosen by the request's
//! `Accept-Encoding`, with cache headers that fit the file's name.

use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    Router,
};
use leptos::prelude::LeptosOptions;
use std::{path::PathBuf, sync::Arc};
use tower_http::services::ServeDir;

/// `Cache-Control` of a file whose name carries its content's hash: a new
/// build gets new names, so a browser may keep this one for a year without
/// asking again.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of a file whose name stays the same from build to build:
/// the browser keeps it but asks every time whether it changed
/// (`If-Modified-Since`, answered 304 while it did not).
pub const REVALIDATE: &str = "no-cache";

/// Turns hashed file names on when `LEPTOS_HASH_FILES` is not set and the
/// hash file lies beside the server binary (a release build made by
/// `scripts/build-release` and copied with its `hash.txt`), so that a
/// deployed server needs no setting for it.
pub fn detect_hashed_names(options: &mut LeptosOptions) {
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() && hash_file(options).is_some_and(|path| path.is_file()) {
        options.hash_files = true;
    }
}

/// Where Leptos looks for the hash file: beside the running binary.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The content hashes in the names of this build's files: read from the
/// hash file beside the server binary (where cargo-leptos writes it, and
/// where Leptos reads it to name the files in the page) when the options
/// say the names are hashed; none otherwise.
pub fn build_hashes(options: &LeptosOptions) -> Vec<String> {
    if !options.hash_files {
        return Vec::new();
    }
    let Some(path) = hash_file(options) else {
        return Vec::new();
    };
    match std::fs::read_to_string(path) {
        Ok(text) => parse_hashes(&text),
        Err(err) => {
            tracing::error!("hashed file names are on, but the hash file cannot be read ({err}); /pkg files will be revalidated");
            Vec::new()
        }
    }
}

/// The hashes of a cargo-leptos hash file (`js: <base64url of an MD5>` a
/// line).
pub fn parse_hashes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(_, hash)| hash.trim().to_owned())
        .filter(|hash| !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .collect()
}

/// The `Cache-Control` for a file of `/pkg`: [`IMMUTABLE`] when its name
/// holds one of the build's hashes as a dot-separated part
/// (`keyhold.<hash>.wasm`), [`REVALIDATE`] otherwise.
pub fn cache_control(path: &str, hashes: &[String]) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    match name.split('.').any(|part| hashes.iter().any(|hash| hash == part)) {
        true => IMMUTABLE,
        false => REVALIDATE,
    }
}

/// `/pkg/...` served from `<site root>/<pkg dir>`.
pub fn routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    routes_from(&options.site_pkg_dir, dir, build_hashes(options))
}

/// `/<pkg>/...` served from `dir`, the files named with `hashes` cached for
/// good.
pub fn routes_from<S: Clone + Send + Sync + 'static>(pkg: &str, dir: PathBuf, hashes: Vec<String>) -> Router<S> {
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip().append_index_html_on_directories(false);
    let hashes = Arc::new(hashes);
    Router::new().nest_service(&format!("/{}", pkg.trim_matches('/')), files).layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let hashes = hashes.clone();
            async move {
                let policy = cache_control(request.uri().path(), &hashes);
                let mut response = next.run(request).await;
                if response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED {
                    let headers = response.headers_mut();
                    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
                    // The same URL answers differently by Accept-Encoding.
                    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                }
                response
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_the_builds_hash_is_cached_for_good() {
        let hashes = parse_hashes("js: 8Jk2f-Q\nwasm: zz9_1Ab\ncss: c0ffee\n");
        assert_eq!(hashes, ["8Jk2f-Q", "zz9_1Ab", "c0ffee"]);
        assert_eq!(cache_control("/pkg/keyhold.zz9_1Ab.wasm", &hashes), IMMUTABLE);
        assert_eq!(cache_control("/pkg/keyhold.c0ffee.css", &hashes), IMMUTABLE);
    }

    #[test]
    fn a_name_without_it_is_revalidated() {
        let hashes = parse_hashes("js: 8Jk2fQ\n");
        assert_eq!(cache_control("/pkg/keyhold.js", &hashes), REVALIDATE);
        assert_eq!(cache_control("/pkg/keyhold.old111.js", &hashes), REVALIDATE);
        // The hash as part of a longer word does not count.
        assert_eq!(cache_control("/pkg/keyhold-8Jk2fQ.js", &hashes), REVALIDATE);
        assert_eq!(cache_control("/pkg/keyhold.wasm", &[]), REVALIDATE);
    }
}
