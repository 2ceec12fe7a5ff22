//! Open311 GeoReport v2 as its clients send it, written from the specification: every request
//! field, `api_key` in the query string, fields that do not parse answered with the GeoReport
//! error array (JSON and XML) and 400, every response field present in JSON and XML.

mod common;

use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::Value;

const RESPONSE_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

struct Open311 {
    url: String,
    key: String,
    http: reqwest::Client,
}

impl Open311 {
    async fn post<F: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        form: &F,
    ) -> anyhow::Result<(u16, String)> {
        let response = self
            .http
            .post(format!("{}/open311/v2/{path}", self.url))
            .form(form)
            .send()
            .await?;
        Ok((response.status().as_u16(), response.text().await?))
    }

    async fn get(&self, path: &str) -> anyhow::Result<String> {
        let response = self
            .http
            .get(format!("{}/open311/v2/{path}", self.url))
            .send()
            .await?;
        anyhow::ensure!(response.status().as_u16() == 200, "GET {path}");
        Ok(response.text().await?)
    }
}

async fn start(dir: &std::path::Path) -> anyhow::Result<(ServerProcess, Open311)> {
    let server = ServerProcess::start(&server_binary(), &dir.join("server"))?;
    let url = server.url();
    let admin = Staff::login(&url, "admin").await?;
    let key = admin.api_key("open311").await?;
    let client = Open311 {
        url,
        key,
        http: reqwest::Client::new(),
    };
    Ok((server, client))
}

/// The GeoReport error array of an answer, with its one error's code and description.
fn one_error(body: &str) -> (u64, String) {
    let errors: Value = serde_json::from_str(body).expect("a JSON error array");
    let error = &errors[0];
    (
        error["code"].as_u64().expect("code"),
        error["description"]
            .as_str()
            .expect("description")
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_goes_in_and_comes_back_in_json_and_xml() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (_server, open311) = start(dir.path()).await?;
    let key = open311.key.clone();
    let (status, body) = open311
        .post(
            "requests.json",
            &[
                ("api_key", key.as_str()),
                ("jurisdiction_id", "suzhou.gov.cn"),
                ("service_code", "event-01-02"),
                ("lat", "31.3105"),
                ("long", "120.6210"),
                ("address_string", "姑苏区干将西路 1号"),
                ("address_id", "A-1001"),
                ("zipcode", "215000"),
                ("description", "垃圾堆了三天"),
                ("email", "citizen@example.cn"),
                ("device_id", "phone-1"),
                ("account_id", "acct-9"),
                ("first_name", "小明"),
                ("last_name", "王"),
                ("phone", "13800000000"),
                ("media_url", "https://example.cn/photo.jpg"),
            ],
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    let created: Value = serde_json::from_str(&body)?;
    let id = created[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(created[0]["service_notice"].is_string());

    let one: Value = serde_json::from_str(&open311.get(&format!("requests/{id}.json")).await?)?;
    let request = &one[0];
    for field in RESPONSE_FIELDS {
        assert!(request.get(field).is_some(), "{field} missing: {request}");
    }
    assert_eq!(request["address"], "姑苏区干将西路 1号");
    assert_eq!(request["address_id"], "A-1001");
    assert_eq!(request["zipcode"], "215000");
    assert_eq!(request["media_url"], "https://example.cn/photo.jpg");
    assert_eq!(request["description"], "垃圾堆了三天", "nothing folded in");
    assert!(
        request["updated_datetime"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00"))
    );

    let xml = open311.get(&format!("requests/{id}.xml")).await?;
    let document = roxmltree::Document::parse(&xml)?;
    let element = |name: &str| {
        document
            .descendants()
            .find(|n| n.has_tag_name(name))
            .map(|n| n.text().unwrap_or_default().to_string())
    };
    for field in RESPONSE_FIELDS {
        assert!(element(field).is_some(), "<{field}> missing: {xml}");
    }
    assert_eq!(element("zipcode").as_deref(), Some("215000"));

    // Some clients send api_key in the query string of the POST.
    let response = open311
        .http
        .post(format!(
            "{}/open311/v2/requests.json?api_key={key}",
            open311.url
        ))
        .form(&[
            ("service_code", "event-01-02"),
            ("lat", "31.31"),
            ("long", "120.62"),
        ])
        .send()
        .await?;
    assert_eq!(
        response.status().as_u16(),
        200,
        "{}",
        response.text().await?
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_fields_get_the_georeport_error_array() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (_server, open311) = start(dir.path()).await?;
    let key = open311.key.clone();
    let base = [("api_key", key.as_str()), ("service_code", "event-01-02")];
    let too_long = "井".repeat(5_000);
    let with = |extra: &[(&str, &str)]| -> Vec<(String, String)> {
        base.iter()
            .chain(extra)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let cases: Vec<(Vec<(String, String)>, &str)> = vec![
        (with(&[("lat", "abc"), ("long", "120.62")]), "lat"),
        (with(&[("lat", "31.3"), ("long", "east")]), "long"),
        (
            with(&[("lat", ""), ("long", "")]),
            "lat and long are required",
        ),
        (
            with(&[("address_string", "干将西路 1号")]),
            "address_string",
        ),
        (
            with(&[
                ("lat", "31.31"),
                ("long", "120.62"),
                ("description", &too_long),
            ]),
            "",
        ),
        (
            [
                ("api_key", key.as_str()),
                ("service_code", "nope-1"),
                ("lat", "1"),
                ("long", "2"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            "service_code",
        ),
    ];
    for (form, names) in &cases {
        for format in ["json", "xml"] {
            let (status, body) = open311.post(&format!("requests.{format}"), form).await?;
            assert_eq!(status, 400, "{form:?}: {body}");
            let (code, description) = if format == "json" {
                one_error(&body)
            } else {
                let document = roxmltree::Document::parse(&body)?;
                let text = |name: &str| {
                    document
                        .descendants()
                        .find(|n| n.has_tag_name(name))
                        .and_then(|n| n.text())
                        .unwrap_or_default()
                        .to_string()
                };
                (text("code").parse()?, text("description"))
            };
            assert_eq!(code, 400, "{body}");
            assert!(
                !description.is_empty() && description.contains(names),
                "{format} {form:?}: {description}"
            );
        }
    }
    let (status, body) = open311
        .post(
            &format!("requests/{}/satisfaction", uuid::Uuid::new_v4()),
            &[("api_key", key.as_str())],
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    assert!(one_error(&body).1.contains("satisfaction"));
    Ok(())
}
