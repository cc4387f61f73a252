//! Request bodies of the management API: read within a limit (counting the
//! bytes that arrive, so a chunked body cannot slip past it), then JSON of
//! the documented shape or a 400 saying what is wrong.

use super::problem::Problem;
use axum::body::{Body, Bytes};
use serde::{de::DeserializeOwned, Deserialize, Deserializer};

/// Largest JSON body.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// The body's bytes; 413 past `limit`, 400 if it cannot be read.
pub async fn read(body: Body, limit: usize) -> Result<Bytes, Problem> {
    axum::body::to_bytes(body, limit).await.map_err(|err| {
        let too_large =
            std::iter::successors(std::error::Error::source(&err), |e| e.source()).any(|e| e.is::<http_body_util::LengthLimitError>());
        match too_large {
            true => Problem::too_large(limit),
            false => Problem::bad_request("The request body could not be read."),
        }
    })
}

/// A JSON object read into `T`. Not JSON, not an object, or a field of the
/// wrong type: 400.
pub async fn json<T: DeserializeOwned>(body: Body) -> Result<T, Problem> {
    let bytes = read(body, MAX_JSON_BYTES).await?;
    parse(&bytes)
}

/// The same, from bytes already read.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| Problem::bad_request("The body is not valid JSON; send a JSON object."))?;
    if !value.is_object() {
        return Err(Problem::bad_request("The body must be a JSON object."));
    }
    serde_json::from_value(value).map_err(|err| Problem::bad_request(format!("The body does not have the documented shape: {err}.")))
}

/// For a field that may be absent (`None`), `null` (`Some(None)`) or a
/// value: `#[serde(default, deserialize_with = "present")]`.
pub fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "present")]
        expires: Option<Option<String>>,
        #[serde(default)]
        name: Option<String>,
    }

    #[test]
    fn absent_null_and_values_are_told_apart() {
        let absent: Patch = parse(br#"{}"#).unwrap();
        assert_eq!((absent.expires, absent.name), (None, None));
        let null: Patch = parse(br#"{"expires": null}"#).unwrap();
        assert_eq!(null.expires, Some(None));
        let set: Patch = parse(br#"{"expires": "2030-01-01", "name": "A"}"#).unwrap();
        assert_eq!(set.expires, Some(Some("2030-01-01".into())));
    }

    #[test]
    fn bodies_that_are_not_objects_of_the_right_types_are_400() {
        for body in [&b"{"[..], b"[1]", b"\"x\"", br#"{"name": 5}"#] {
            let err = parse::<Patch>(body).unwrap_err();
            assert_eq!(err.status, 400, "{body:?}");
        }
    }
}
