//! A map from key to a small record, bounded in size: an attacker who varies usernames or
//! addresses cannot make it grow without end. When full, records that say nothing any more are
//! dropped first, then an eighth of the rest, arbitrary ones.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

pub struct Keyed<V> {
    records: Mutex<HashMap<String, V>>,
    capacity: usize,
}

impl<V: Clone> Keyed<V> {
    pub fn new(capacity: usize) -> Self {
        Keyed {
            records: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// Runs `f` on the record of `key` (made by `fresh` if there is none). `stale` says which
    /// records may be dropped when the map is full.
    pub fn with<T>(
        &self,
        key: &str,
        fresh: impl FnOnce() -> V,
        stale: impl Fn(&V) -> bool,
        f: impl FnOnce(&mut V) -> T,
    ) -> T {
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        if !records.contains_key(key) && records.len() >= self.capacity {
            records.retain(|_, v| !stale(v));
            // Still full: drop an eighth, so that the next sweep is thousands of keys away and
            // a caller varying its key cannot make every request scan the whole map.
            let keep = self.capacity - self.capacity.div_ceil(8);
            if records.len() > keep {
                let victims: Vec<String> = records.keys().skip(keep).cloned().collect();
                for victim in victims {
                    records.remove(&victim);
                }
            }
        }
        f(records.entry(key.to_string()).or_insert_with(fresh))
    }

    /// The record of `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<V> {
        let records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        records.get(key).cloned()
    }

    pub fn remove(&self, key: &str) {
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        records.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_never_grows_past_its_capacity_and_drops_stale_records_first() {
        let map: Keyed<u32> = Keyed::new(3);
        for (key, value) in [("a", 0), ("b", 5), ("c", 0)] {
            map.with(key, || value, |v| *v == 0, |_| ());
        }
        map.with("d", || 7, |v| *v == 0, |_| ());
        assert_eq!(map.records.lock().unwrap().len(), 2);
        assert_eq!(map.get("b"), Some(5));
        for i in 0..100 {
            map.with(&format!("k{i}"), || 9, |v| *v == 0, |v| *v += 1);
            assert!(map.records.lock().unwrap().len() <= 3);
        }
    }

    #[test]
    fn a_full_map_of_live_records_sheds_an_eighth_at_once() {
        let map: Keyed<u32> = Keyed::new(800);
        for i in 0..800 {
            map.with(&format!("k{i}"), || 1, |_| false, |_| ());
        }
        map.with("new", || 1, |_| false, |_| ());
        assert_eq!(map.records.lock().unwrap().len(), 701);
        assert_eq!(map.get("new"), Some(1));
    }
}
