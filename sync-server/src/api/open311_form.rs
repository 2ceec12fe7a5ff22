//! The form of an Open311 GeoReport v2 `POST`, read as the clients that exist send it: fields
//! in a form-encoded body, `api_key` also in the query string, empty fields as absent, numbers
//! that do not parse named in a GeoReport error (not a bare framework rejection). Pure.

use cgt_shared::gcj02::PositionSystem;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A `POST requests` form.
#[derive(Clone, Debug, Default, PartialEq, ToSchema)]
pub struct NewRequest {
    pub api_key: Option<String>,
    pub jurisdiction_id: Option<String>,
    /// Required: `event-01-02` and the like.
    pub service_code: Option<String>,
    /// Required with `long` (WGS84 unless `coordinate_system` says otherwise): this
    /// jurisdiction does not geocode addresses.
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub long: Option<f64>,
    /// An extension of GeoReport v2: the system of `lat`/`long`, `wgs84` (the default) or
    /// `gcj02` for clients that take positions from AMap or Tencent maps; converted to WGS84 on
    /// arrival.
    pub coordinate_system: Option<PositionSystem>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub media_url: Option<String>,
}

/// The fields of a form body, with `api_key` and `jurisdiction_id` taken from the query string
/// when the body lacks them; empty values are absent. The message names what is wrong.
pub fn fields(query: Option<&str>, body: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|e| format!("request body is not a form ({e})"))?;
    for (name, value) in pairs {
        let value = value.trim();
        if !value.is_empty() {
            fields.entry(name).or_insert_with(|| value.to_string());
        }
    }
    let in_query: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    for (name, value) in in_query {
        if matches!(name.as_str(), "api_key" | "jurisdiction_id") && !value.trim().is_empty() {
            fields
                .entry(name)
                .or_insert_with(|| value.trim().to_string());
        }
    }
    Ok(fields)
}

/// A `POST requests` form from its fields.
pub fn new_request(mut fields: HashMap<String, String>) -> Result<NewRequest, String> {
    let coordinate = |value: Option<String>, name: &str| {
        value
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| format!("{name} must be a decimal number (got {v:?})"))
            })
            .transpose()
    };
    let mut take = |name: &str| fields.remove(name);
    let coordinate_system = take("coordinate_system")
        .map(|v| {
            PositionSystem::parse(&v)
                .ok_or_else(|| format!("coordinate_system must be wgs84 or gcj02 (got {v:?})"))
        })
        .transpose()?;
    Ok(NewRequest {
        coordinate_system,
        lat: coordinate(take("lat"), "lat")?,
        long: coordinate(take("long"), "long")?,
        api_key: take("api_key"),
        jurisdiction_id: take("jurisdiction_id"),
        service_code: take("service_code"),
        address_string: take("address_string"),
        address_id: take("address_id"),
        zipcode: take("zipcode"),
        description: take("description"),
        email: take("email"),
        device_id: take("device_id"),
        account_id: take("account_id"),
        first_name: take("first_name"),
        last_name: take("last_name"),
        phone: take("phone"),
        media_url: take("media_url"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: Option<&str>, body: &str) -> Result<NewRequest, String> {
        new_request(fields(query, body.as_bytes())?)
    }

    #[test]
    fn forms_as_clients_send_them() {
        let full = read(
            None,
            "api_key=k&jurisdiction_id=suzhou.gov.cn&service_code=event-01-02&lat=31.31&long=120.62\
             &address_string=%E5%B9%B2%E5%B0%86%E8%B7%AF+1%E5%8F%B7&zipcode=215000&media_url=http%3A%2F%2Fx%2Fa.jpg\
             &description=%E5%9E%83%E5%9C%BE&attribute%5Bx%5D=1",
        )
        .unwrap();
        assert_eq!((full.lat, full.long), (Some(31.31), Some(120.62)));
        assert_eq!(full.address_string.as_deref(), Some("干将路 1号"));
        assert_eq!(full.zipcode.as_deref(), Some("215000"));
        assert_eq!(full.media_url.as_deref(), Some("http://x/a.jpg"));
        let keyed = read(Some("api_key=from-query"), "service_code=s&lat=1&long=2").unwrap();
        assert_eq!(keyed.api_key.as_deref(), Some("from-query"));
        let both = read(Some("api_key=query"), "api_key=body").unwrap();
        assert_eq!(both.api_key.as_deref(), Some("body"));
        let empty = read(None, "lat=&long=&description=").unwrap();
        assert_eq!(
            (empty.lat, empty.long, empty.description),
            (None, None, None)
        );
    }

    #[test]
    fn numbers_that_do_not_parse_are_named() {
        for (body, name) in [
            ("lat=abc&long=1", "lat"),
            ("lat=1&long=NaN", "long"),
            ("lat=1e999", "lat"),
            ("lat=1&long=2&coordinate_system=bd09", "coordinate_system"),
        ] {
            let refused = read(None, body).unwrap_err();
            assert!(refused.starts_with(name), "{body}: {refused}");
        }
    }
}
