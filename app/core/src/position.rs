//! Where the device is. On a phone the Tauri shell reads the platform's GPS; on desktop (and in
//! tests) a simulated source stands in, chosen by a configuration string:
//! `fixed:<lat>,<lon>,<accuracy_m>` stays at one point, `gpx:<path>` replays a recorded GPX track
//! in real time from the first time it is asked, holding the last point after the end.
//! Any source may declare the system its positions are in with a suffix — `@gcj02` for a
//! consumer map SDK (AMap, Tencent) or positions copied from one — and they are converted to
//! WGS84, which is what reports and tracks store, as they leave it.

use cgt_shared::gcj02::PositionSystem;
use cgt_shared::gpx::{GpxError, GpxPoint, parse_gpx};
use cgt_shared::{Position, Timestamp};
use std::sync::OnceLock;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum PositionConfigError {
    #[error(
        "定位来源配置无效: \"{0}\" (expected fixed:<lat>,<lon>,<accuracy_m> or gpx:<path>, optionally @gcj02)"
    )]
    Syntax(String),
    #[error("定位来源坐标无效: {0}")]
    Position(#[from] cgt_shared::geo::PositionError),
    #[error("无法读取轨迹文件 {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Gpx(#[from] GpxError),
}

#[derive(Debug)]
pub enum Simulated {
    Fixed(Position),
    Replay(Replay),
}

/// A simulated source and the system it declares.
#[derive(Debug)]
pub struct PositionSource {
    pub simulated: Simulated,
    pub system: PositionSystem,
}

/// A GPX track played back against the wall clock.
#[derive(Debug)]
pub struct Replay {
    points: Vec<GpxPoint>,
    started: OnceLock<Timestamp>,
}

impl PositionSource {
    /// The position at `now` in WGS84, or None when the source has no fix.
    pub fn current(&self, now: Timestamp) -> Option<Position> {
        let taken = match &self.simulated {
            Simulated::Fixed(p) => Some(*p),
            Simulated::Replay(replay) => replay.at(now),
        };
        taken.map(|p| self.system.position_to_wgs84(p))
    }
}

/// A source's configuration and the system it declares (`…@gcj02`; WGS84 without a suffix).
pub fn declared_system(config: &str) -> Result<(&str, PositionSystem), PositionConfigError> {
    // A GPX path may hold an `@`; only a suffix that names a system declares one.
    match config.rsplit_once('@') {
        Some((source, system)) => match PositionSystem::parse(system) {
            Some(system) => Ok((source, system)),
            None if config.starts_with("gpx:") => Ok((config, PositionSystem::Wgs84)),
            None => Err(PositionConfigError::Syntax(config.to_string())),
        },
        None => Ok((config, PositionSystem::Wgs84)),
    }
}

impl Replay {
    pub fn new(points: Vec<GpxPoint>) -> Replay {
        Replay {
            points,
            started: OnceLock::new(),
        }
    }

    fn at(&self, now: Timestamp) -> Option<Position> {
        let started = *self.started.get_or_init(|| now);
        let first = self.points.first()?;
        let track_time = first.at.plus_millis(now.millis() - started.millis());
        let index = self.points.partition_point(|p| p.at <= track_time);
        Some(self.points[index.saturating_sub(1)].position)
    }
}

/// Builds a source from its configuration string.
pub fn from_config(config: &str) -> Result<PositionSource, PositionConfigError> {
    let (source, system) = declared_system(config)?;
    Ok(PositionSource {
        simulated: simulated(source)?,
        system,
    })
}

fn simulated(config: &str) -> Result<Simulated, PositionConfigError> {
    let syntax = || PositionConfigError::Syntax(config.to_string());
    match config.split_once(':') {
        Some(("fixed", rest)) => {
            let numbers: Vec<f64> = rest
                .split(',')
                .map(|n| n.trim().parse())
                .collect::<Result<_, _>>()
                .map_err(|_| syntax())?;
            let [lat, lon, accuracy] = numbers[..] else {
                return Err(syntax());
            };
            let position = Position::new(lat, lon, accuracy);
            position.validate()?;
            Ok(Simulated::Fixed(position))
        }
        Some(("gpx", path)) => {
            let text =
                std::fs::read_to_string(path).map_err(|source| PositionConfigError::Read {
                    path: path.to_string(),
                    source,
                })?;
            Ok(Simulated::Replay(Replay::new(parse_gpx(&text)?)))
        }
        _ => Err(syntax()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(seconds: i64, lat: f64) -> GpxPoint {
        GpxPoint {
            at: Timestamp(1_000_000 + seconds * 1000),
            position: Position::new(lat, 120.6, 5.0),
        }
    }

    #[test]
    fn configurations() {
        let fixed = from_config("fixed:31.3158,120.6190,8").unwrap();
        assert_eq!(
            fixed.current(Timestamp(5)),
            Some(Position::new(31.3158, 120.619, 8.0))
        );
        // A point read off AMap is stored where it is in WGS84, a few hundred metres away.
        let amap = from_config("fixed:31.3158,120.6190,8@gcj02").unwrap();
        let stored = amap.current(Timestamp(5)).unwrap();
        let expected = PositionSystem::Gcj02.to_wgs84([120.619, 31.3158]);
        assert_eq!([stored.lon, stored.lat], expected);
        assert_eq!(stored.accuracy_m, 8.0);
        assert!((300.0..700.0).contains(&stored.distance_m(&Position::new(31.3158, 120.619, 8.0))));
        assert!(
            matches!(
                from_config("gpx:/no/such@folder/walk.gpx"),
                Err(PositionConfigError::Read { .. })
            ),
            "an @ in a GPX path is part of the path"
        );
        for bad in [
            "fixed:31.3,120.6,5@baidu",
            "fixed:31.3",
            "fixed:a,b,c",
            "fixed:95,120,5",
            "gps",
            "gpx:/no/such.gpx",
        ] {
            assert!(from_config(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_replay_follows_the_clock_from_its_first_use_and_holds_the_end() {
        let replay = PositionSource {
            simulated: Simulated::Replay(Replay::new(vec![
                point(0, 31.0),
                point(10, 31.1),
                point(20, 31.2),
            ])),
            system: PositionSystem::Wgs84,
        };
        let start = Timestamp(50_000_000);
        let lat_at = |ms: i64| replay.current(start.plus_millis(ms)).unwrap().lat;
        assert_eq!(lat_at(0), 31.0);
        assert_eq!(lat_at(9_999), 31.0);
        assert_eq!(lat_at(10_000), 31.1);
        assert_eq!(lat_at(25_000), 31.2);
        assert_eq!(lat_at(3_600_000), 31.2);
    }
}
