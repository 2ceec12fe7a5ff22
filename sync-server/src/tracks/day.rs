//! The time ranges the track endpoints accept; days are China days (`cgt_shared::china_time`).

use cgt_shared::Timestamp;

/// Longest range one track request may ask for.
pub const MAX_RANGE_MS: i64 = 7 * Timestamp::MS_PER_DAY;
