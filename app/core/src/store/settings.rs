//! Settings of the store: the session (server, token, device, user), the feed cursor and the
//! outcome of the last sync, as text values under fixed keys.

use crate::error::ClientError;
use crate::model::{LastSync, Session};
use cgt_shared::{DeviceId, Role, Timestamp, UserId};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};
use std::str::FromStr;

const SERVER_URL: &str = "server_url";
const TOKEN: &str = "token";
/// Kept across logins: a phone stays the same device for the server.
const DEVICE_ID: &str = "device_id";
const USER_ID: &str = "user_id";
const USERNAME: &str = "username";
const DISPLAY_NAME: &str = "display_name";
/// Role names (`Role::as_str`), comma-separated.
const ROLES: &str = "roles";
const CURSOR: &str = "cursor";
const LAST_SYNC_AT: &str = "last_sync_at";
const LAST_SYNC_ERROR: &str = "last_sync_error";
const LAST_SYNC_SUCCESS_AT: &str = "last_sync_success_at";

fn get(conn: &Connection, key: &str) -> Result<Option<String>, ClientError> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

fn set(conn: &Connection, key: &str, value: &str) -> Result<(), ClientError> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn delete(conn: &Connection, key: &str) -> Result<(), ClientError> {
    conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}

fn parsed<T: FromStr>(conn: &Connection, key: &str) -> Result<Option<T>, ClientError> {
    get(conn, key)?
        .map(|text| {
            text.parse().map_err(|_| {
                let reason = format!("setting {key} is malformed: {text:?}");
                ClientError::Store(rusqlite::Error::FromSqlConversionFailure(
                    1,
                    Type::Text,
                    reason.into(),
                ))
            })
        })
        .transpose()
}

pub(crate) fn device_id(conn: &Connection) -> Result<Option<DeviceId>, ClientError> {
    parsed(conn, DEVICE_ID)
}

/// The session and its bearer token, if someone has logged in.
pub(crate) fn session(conn: &Connection) -> Result<Option<(Session, String)>, ClientError> {
    let Some(token) = get(conn, TOKEN)? else {
        return Ok(None);
    };
    let (Some(server_url), Some(user_id), Some(device_id)) = (
        get(conn, SERVER_URL)?,
        parsed(conn, USER_ID)?,
        device_id(conn)?,
    ) else {
        return Ok(None);
    };
    let username = get(conn, USERNAME)?.unwrap_or_default();
    let session = Session {
        server_url,
        user_id,
        display_name: get(conn, DISPLAY_NAME)?.unwrap_or_else(|| username.clone()),
        username,
        roles: get(conn, ROLES)?
            .unwrap_or_default()
            .split(',')
            .filter_map(Role::parse)
            .collect(),
        device_id,
    };
    Ok(Some((session, token)))
}

/// Stores a fresh login. A different user starts reading the feed from the beginning.
pub(crate) fn save_login(
    conn: &Connection,
    session: &Session,
    token: &str,
) -> Result<(), ClientError> {
    if parsed::<UserId>(conn, USER_ID)? != Some(session.user_id) {
        delete(conn, CURSOR)?;
    }
    let roles: Vec<&str> = session.roles.iter().map(|r| r.as_str()).collect();
    set(conn, SERVER_URL, &session.server_url)?;
    set(conn, TOKEN, token)?;
    set(conn, DEVICE_ID, &session.device_id.to_string())?;
    set(conn, USER_ID, &session.user_id.to_string())?;
    set(conn, USERNAME, &session.username)?;
    set(conn, DISPLAY_NAME, &session.display_name)?;
    set(conn, ROLES, &roles.join(","))
}

pub(crate) fn set_server_url(conn: &Connection, url: &str) -> Result<(), ClientError> {
    set(conn, SERVER_URL, url)
}

pub(crate) fn cursor(conn: &Connection) -> Result<u64, ClientError> {
    Ok(parsed(conn, CURSOR)?.unwrap_or(0))
}

pub(crate) fn set_cursor(conn: &Connection, cursor: u64) -> Result<(), ClientError> {
    set(conn, CURSOR, &cursor.to_string())
}

pub(crate) fn last_sync(conn: &Connection) -> Result<Option<LastSync>, ClientError> {
    let Some(at) = parsed(conn, LAST_SYNC_AT)? else {
        return Ok(None);
    };
    Ok(Some(LastSync {
        at: Timestamp(at),
        error: get(conn, LAST_SYNC_ERROR)?,
        succeeded_at: parsed(conn, LAST_SYNC_SUCCESS_AT)?.map(Timestamp),
    }))
}

pub(crate) fn record_sync(
    conn: &Connection,
    at: Timestamp,
    error: Option<&str>,
) -> Result<(), ClientError> {
    let at_text = at.millis().to_string();
    set(conn, LAST_SYNC_AT, &at_text)?;
    match error {
        Some(message) => set(conn, LAST_SYNC_ERROR, message),
        None => {
            set(conn, LAST_SYNC_SUCCESS_AT, &at_text)?;
            delete(conn, LAST_SYNC_ERROR)
        }
    }
}

const REPORT_DRAFT: &str = "report_draft";

/// The unsent report form (`crate::form`), as JSON.
pub(crate) fn report_draft(conn: &Connection) -> Result<Option<String>, ClientError> {
    get(conn, REPORT_DRAFT)
}

pub(crate) fn set_report_draft(conn: &Connection, json: Option<&str>) -> Result<(), ClientError> {
    match json {
        Some(json) => set(conn, REPORT_DRAFT, json),
        None => delete(conn, REPORT_DRAFT),
    }
}
