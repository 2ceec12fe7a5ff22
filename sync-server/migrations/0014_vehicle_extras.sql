-- What OsmAnd units send beyond the position: altitude and battery level, kept as sent.
ALTER TABLE vehicle_positions ADD COLUMN altitude_m REAL;
ALTER TABLE vehicle_positions ADD COLUMN battery_pct REAL;
