//! `/activity`: the audit log, newest first, filterable by key.

pub mod api;
pub mod changes;
mod entry;
pub mod page;

/// What an audit action reads as on the page.
pub fn describe(action: &str) -> &'static str {
    match action {
        "key.created" => "Created key",
        "key.modified" => "Modified key",
        "key.token_copied" => "Copied token",
        "key.blocked" => "Blocked key",
        "key.unblocked" => "Unblocked key",
        "key.rolled" => "Rolled token",
        "key.deleted" => "Deleted key",
        "key.webhook_secret_copied" => "Copied signing secret",
        "key.webhook_secret_regenerated" => "Regenerated signing secret",
        "key.webhook_test_sent" => "Sent test event",
        "key.webhook_resent" => "Resent delivery",
        "account.created" => "Created account",
        "account.renamed" => "Renamed account",
        "account.deleted" => "Deleted account",
        "operator.signed_in" => "Signed in",
        "operator.sign_in_failed" => "Failed sign-in",
        "operator.signed_out" => "Signed out",
        "operator.created" => "Created operator",
        "operator.disabled" => "Disabled operator",
        _ => "Other change",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_recorded_action_has_a_description() {
        for action in [
            "key.created",
            "key.modified",
            "key.token_copied",
            "key.blocked",
            "key.unblocked",
            "key.rolled",
            "key.deleted",
            "account.created",
            "account.renamed",
            "account.deleted",
            "operator.signed_in",
            "operator.sign_in_failed",
            "operator.signed_out",
        ] {
            assert_ne!(super::describe(action), "Other change", "{action}");
        }
    }
}
