//! The look-up of a key sent instead of a session (OsmAnd units, sensors, Open311 clients),
//! behind the rate limits of [`crate::guard::KeyGuard`]: an address that floods or guesses is
//! refused before the database is asked, and nothing here touches the single writer.

use super::blocking;
use crate::clock;
use crate::error::ApiError;
use crate::guard::ClientAddr;
use crate::state::AppState;
use crate::storage::{StorageError, Store};

const WRONG_KEY: &str = "密钥无效 (invalid key)";

/// What `lookup` finds for the key on a read connection, or 401/429. `name` names the key's
/// owner for its own rate limit.
pub async fn look_up_key<T: Send + 'static>(
    state: &AppState,
    client: ClientAddr,
    lookup: impl FnOnce(&dyn Store) -> Result<Option<T>, StorageError> + Send + 'static,
    name: impl FnOnce(&T) -> String,
) -> Result<T, ApiError> {
    let address = client.key();
    let guard = state.keys();
    guard
        .before_lookup(&address, clock::now().millis())
        .map_err(|wait| ApiError::throttled(wait, false))?;
    let storage = state.store();
    let Some(found) = blocking(move || Ok(lookup(storage.as_ref())?)).await? else {
        guard.wrong_key(&address, clock::now().millis());
        return Err(ApiError::unauthorized(WRONG_KEY));
    };
    guard
        .accepted(&name(&found), clock::now().millis())
        .map_err(|wait| ApiError::throttled(wait, false))?;
    Ok(found)
}
