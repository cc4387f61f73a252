//! The Content-Security-Policy every response carries. Scripts run only
//! from this site or inline with the request's nonce (the hydration
//! scripts); WebAssembly may compile; nothing may frame the page.

/// A fresh random value per response, put in the request by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspNonce(pub String);

/// The policy for a response whose inline scripts carry `nonce`.
/// Styles allow inline `style` attributes (the avatars' colours); scripts
/// never run inline without the nonce.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn scripts_need_the_nonce_and_nothing_frames_the_page() {
        let p = policy("abc123");
        let script = p.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(script.contains("'nonce-abc123'"));
        assert!(!script.contains("unsafe-inline"));
        assert!(!script.contains("unsafe-eval'") || script.contains("wasm-unsafe-eval"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(p.contains("object-src 'none'"));
    }
}
