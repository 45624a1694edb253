//! The v4 error envelope, hand-written because every namespace carries its own identical
//! copy (`vmm.v4.0.error.*`, `clustermgmt.v4.0.error.*`, ...; `x-platform-generated`).
//!
//! An error response is `{"data": ErrorResponse, "metadata": {...}}` where
//! `ErrorResponse.error` is either a list of [`AppMessage`]s or one
//! [`SchemaValidationError`]. Every type keeps the keys it does not declare
//! (`$objectType`, `$reserved`, fields a newer server adds) in its `extras`, so decoding
//! and encoding again gives the same JSON value.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::Extras;

/// `<namespace>.v4.error.ErrorResponse`: the `data` of a failed call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

/// The `error` of an [`ErrorResponse`]: a `oneOf` of a list of messages and a schema
/// validation report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    /// Messages from the service (the usual case).
    AppMessages(Vec<AppMessage>),
    /// The request did not match the API's schema.
    SchemaValidation(SchemaValidationError),
    /// Any other shape, kept as is.
    Unrecognized(Value),
}

impl ErrorResponse {
    /// The service's messages; empty for a schema validation error.
    pub fn app_messages(&self) -> &[AppMessage] {
        match &self.error {
            Some(ErrorDetail::AppMessages(messages)) => messages,
            _ => &[],
        }
    }

    /// The schema validation report, if that is what the error is.
    pub fn schema_validation(&self) -> Option<&SchemaValidationError> {
        match &self.error {
            Some(ErrorDetail::SchemaValidation(error)) => Some(error),
            _ => None,
        }
    }

    /// A one-line summary: `CODE: message; CODE: message` or the validation messages.
    pub fn summary(&self) -> Option<String> {
        match self.error.as_ref()? {
            ErrorDetail::AppMessages(messages) if !messages.is_empty() => Some(
                messages
                    .iter()
                    .map(AppMessage::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ErrorDetail::SchemaValidation(error) => Some(error.to_string()),
            _ => None,
        }
    }
}

/// `<namespace>.v4.error.AppMessage`: one message of a failed (or finished) operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppMessage {
    /// The message text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How serious it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<MessageSeverity>,
    /// Namespace-prefixed code, e.g. `VMM-30303`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Locale of the text (`en_US` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Error group of an `ERROR` message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_group: Option<String>,
    /// Arguments the message was built from. The specs declare string values; any other
    /// JSON value a server sends is kept as its JSON text (`5`, `true`, `{"a":1}`), so
    /// one odd argument never costs the messages (the raw body stays on the error too).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "arguments_as_text"
    )]
    pub arguments_map: Option<BTreeMap<String, String>>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

impl fmt::Display for AppMessage {
    /// `CODE: message`, or whichever of the two is present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(code), None) => f.write_str(code),
            (None, Some(message)) => f.write_str(message),
            (None, None) => f.write_str("(no message)"),
        }
    }
}

/// `common.v1.0.config.MessageSeverity`; values this SDK does not know are kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MessageSeverity {
    /// `INFO`.
    Info,
    /// `WARNING`.
    Warning,
    /// `ERROR`.
    Error,
    /// Any other value (`$UNKNOWN`, `$REDACTED`, values of newer servers), as sent.
    Unrecognized(String),
}

impl MessageSeverity {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            MessageSeverity::Info => "INFO",
            MessageSeverity::Warning => "WARNING",
            MessageSeverity::Error => "ERROR",
            MessageSeverity::Unrecognized(other) => other,
        }
    }
}

impl From<&str> for MessageSeverity {
    fn from(value: &str) -> Self {
        match value {
            "INFO" => MessageSeverity::Info,
            "WARNING" => MessageSeverity::Warning,
            "ERROR" => MessageSeverity::Error,
            other => MessageSeverity::Unrecognized(other.to_owned()),
        }
    }
}

impl Serialize for MessageSeverity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MessageSeverity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::model::decode_enum(deserializer)
    }
}

/// `<namespace>.v4.error.SchemaValidationError`: the request did not match the schema.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaValidationError {
    /// When the server answered (kept as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The HTTP status the server reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i64>,
    /// The generic error text, e.g. `Bad Request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The API path of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What failed, one entry per problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_error_messages: Option<Vec<SchemaValidationErrorMessage>>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

impl SchemaValidationError {
    /// The individual problems.
    pub fn messages(&self) -> &[SchemaValidationErrorMessage] {
        self.validation_error_messages.as_deref().unwrap_or(&[])
    }
}

impl fmt::Display for SchemaValidationError {
    /// `error: attributePath: message (location); ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.error.as_deref().unwrap_or("schema validation failed"))?;
        for (i, message) in self.messages().iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{message}")?;
        }
        Ok(())
    }
}

/// `<namespace>.v4.error.SchemaValidationErrorMessage`: one validation problem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaValidationErrorMessage {
    /// Which part of the request failed: path, query parameters or body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The attribute that failed, as a path in the schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_path: Option<String>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

impl fmt::Display for SchemaValidationErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.attribute_path {
            write!(f, "{path}: ")?;
        }
        f.write_str(self.message.as_deref().unwrap_or("invalid"))?;
        if let Some(location) = &self.location {
            write!(f, " (in {location})")?;
        }
        Ok(())
    }
}

/// `argumentsMap` with every value as text: strings as they are, anything else as JSON.
fn arguments_as_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let map: Option<BTreeMap<String, Value>> = Option::deserialize(deserializer)?;
    Ok(map.map(|map| {
        map.into_iter()
            .map(|(name, value)| match value {
                Value::String(text) => (name, text),
                other => (name, other.to_string()),
            })
            .collect()
    }))
}

/// Decodes the `data` of an error envelope; `None` if the body is not one.
pub(crate) fn decode_error_body(body: &[u8]) -> Option<ErrorResponse> {
    let envelope: Value = serde_json::from_slice(body).ok()?;
    let data = envelope.get("data")?.clone();
    let response: ErrorResponse = serde_json::from_value(data).ok()?;
    response.error.as_ref()?;
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn app_messages_round_trip() {
        let data = json!({
            "error": [{
                "message": "Image not found",
                "severity": "ERROR",
                "code": "VMM-20005",
                "locale": "en_US",
                "errorGroup": "IMAGE_NOT_FOUND",
                "argumentsMap": {"extId": "1e7f"},
                "$objectType": "vmm.v4.error.AppMessage",
                "$reserved": {"$fv": "v4.r0"}
            }],
            "$objectType": "vmm.v4.error.ErrorResponse"
        });
        let decoded: ErrorResponse = serde_json::from_value(data.clone()).unwrap();
        assert_eq!(decoded.app_messages().len(), 1);
        assert_eq!(
            decoded.app_messages()[0].severity,
            Some(MessageSeverity::Error)
        );
        assert_eq!(serde_json::to_value(&decoded).unwrap(), data);
    }

    #[test]
    fn arguments_that_are_not_strings_keep_the_message() {
        let data = json!({"error": [{
            "code": "VMM-30303",
            "message": "Too many disks",
            "argumentsMap": {"count": 5, "name": "vm-1", "force": true, "ids": ["a"]}
        }]});
        let decoded: ErrorResponse = serde_json::from_value(data).unwrap();
        let message = &decoded.app_messages()[0];
        assert_eq!(message.code.as_deref(), Some("VMM-30303"));
        let arguments = message.arguments_map.as_ref().unwrap();
        assert_eq!(arguments["count"], "5");
        assert_eq!(arguments["name"], "vm-1");
        assert_eq!(arguments["force"], "true");
        assert_eq!(arguments["ids"], r#"["a"]"#);
    }

    #[test]
    fn schema_validation_and_unknown_severity() {
        let data = json!({"error": {
            "statusCode": 400,
            "error": "Bad Request",
            "validationErrorMessages": [
                {"location": "body", "message": "must not be null", "attributePath": "name"}
            ]
        }});
        let decoded: ErrorResponse = serde_json::from_value(data).unwrap();
        let text = decoded.summary().unwrap();
        assert_eq!(text, "Bad Request: name: must not be null (in body)");
        let severity: MessageSeverity = serde_json::from_value(json!("$REDACTED")).unwrap();
        assert_eq!(severity.as_str(), "$REDACTED");
    }
}
