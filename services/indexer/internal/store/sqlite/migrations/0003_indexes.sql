-- Indexes for issue #5's targets: cheaper writes, fast near queries.
--
-- The casualties indexes by kind and country serve no query (casualty
-- filters read the articles' totals columns) and cost two index inserts per
-- figure.
DROP INDEX IF EXISTS casualties_kind;
DROP INDEX IF EXISTS casualties_country;

-- The time index also carries the position, so a near query walking the
-- newest articles checks the circle without reading the (wide) rows; it
-- replaces articles_time (published_at, id), its prefix.
CREATE INDEX IF NOT EXISTS articles_time_pos ON articles (published_at, id, lat, lon);
DROP INDEX IF EXISTS articles_time;

-- One-degree grid cells (store.CellOf), each in time order: a near query in
-- a sparse area reads the few cells its circle touches instead of walking
-- every article.
CREATE INDEX IF NOT EXISTS articles_cell ON articles (
	(CAST(lat + 90 AS INTEGER) * 360 + CAST(lon + 180 AS INTEGER)), published_at, id, lat, lon
);
