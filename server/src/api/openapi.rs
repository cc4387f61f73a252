//! The OpenAPI 3 document of the JSON API, generated from the handlers'
//! annotations (utoipa) and served at `/api/v1/openapi.json`.

use super::{
    error, health,
    management::{accounts, audit, deliveries, keys, problem},
    verify,
};
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
        description = "Verify the API keys managed in Keyhold (no session is needed; each client address may verify \
                       `KEYHOLD_VERIFY_RATE_LIMIT` keys a second, default 100), and manage keys and accounts from your own \
                       backend with a management token (`Authorization: Bearer khm_...`, made on the Tokens page or with \
                       `keyhold token create`; `KEYHOLD_MANAGEMENT_RATE_LIMIT` requests a second per token, default 50). \
                       Errors of the management API are `application/problem+json` (RFC 9457)."
    ),
    paths(
        verify::verify,
        health::health,
        health::live,
        document,
        keys::list,
        keys::create,
        keys::get,
        keys::patch,
        keys::delete,
        keys::block,
        keys::unblock,
        keys::roll,
        keys::token,
        keys::put_avatar,
        keys::delete_avatar,
        deliveries::list,
        deliveries::send_test,
        accounts::list,
        accounts::create,
        accounts::rename,
        accounts::delete,
        audit::list
    ),
    components(schemas(
        verify::VerifyRequest,
        verify::VerifyResponse,
        verify::VerifiedAccount,
        Code,
        error::ErrorBody,
        health::Health,
        health::Status,
        health::DatabaseStatus,
        keys::Key,
        keys::AccountRef,
        keys::KeyWithToken,
        keys::TokenBody,
        keys::CreateKey,
        keys::PatchKey,
        keys::RollKey,
        app::domain::key_status::KeyStatus,
        deliveries::DeliveryBody,
        deliveries::DeliveryStatus,
        deliveries::DeliveryList,
        accounts::AccountBody,
        accounts::AccountList,
        accounts::NameBody,
        audit::AuditEntry,
        audit::AuditChange,
        audit::AuditList,
        keys::KeyList,
        problem::Problem,
        problem::ProblemField
    )),
    modifiers(&BearerToken),
    tags(
        (name = "keys", description = "API key verification"),
        (name = "management", description = "Keys, accounts and deliveries, for a backend holding a management token"),
        (name = "health", description = "Liveness and readiness"),
        (name = "meta", description = "This document")
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the verify endpoint accepts and the
/// `managementToken` scheme of the management API.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("kh_ token").build()),
        );
        components.add_security_scheme(
            "managementToken",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("khm_ management token").build()),
        );
    }
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
