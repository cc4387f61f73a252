//! The OpenAPI 3 document of the JSON API, generated from the handlers'
//! annotations (utoipa) and served at `/api/v1/openapi.json`.

use super::{error, health, verify};
use app::domain::verification::Code;
use axum::Json;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

pub const PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keyhold API",
        description = "Verify the API keys managed in Keyhold. No session is needed; \
                       each client address may verify `KEYHOLD_VERIFY_RATE_LIMIT` keys a second (default 100)."
    ),
    paths(verify::verify, health::health, health::live, document),
    components(schemas(
        verify::VerifyRequest,
        verify::VerifyResponse,
        verify::VerifiedAccount,
        Code,
        error::ErrorBody,
        health::Health,
        health::Status,
        health::DatabaseStatus
    )),
    modifiers(&BearerToken),
    tags(
        (name = "keys", description = "API key verification"),
        (name = "health", description = "Liveness and readiness"),
        (name = "meta", description = "This document")
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the verify endpoint accepts.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("kh_ token").build()),
        );
    }
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
