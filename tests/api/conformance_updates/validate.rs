//! Ported from `lambda/update/validate_test.go`.

use serde_json::json;
use testkit::spawn_app;

use super::{errors, refused};

/// Ported from `TestValidateUpdate`.
#[tokio::test]
async fn an_unknown_update_type_is_an_invalid_value_at_type() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app.update(&uid, "what", json!(null)).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "invalid value")])
    );
}
