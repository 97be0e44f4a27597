-- Indexes and storage for issue #5's targets: cheaper writes, fast near
-- queries.
--
-- The document and the search vector are compressed when a row passes the
-- TOAST threshold (about 2 kB, which most articles do); pglz was the largest
-- single cost in the server's profile of a batch insert. lz4 compresses
-- several times faster. Only rows written from now on use it; servers built
-- without lz4 keep pglz.
DO $$
BEGIN
	ALTER TABLE articles ALTER COLUMN doc SET COMPRESSION lz4;
	ALTER TABLE articles ALTER COLUMN search SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
	RAISE NOTICE 'lz4 not available, keeping pglz';
END
$$;

-- The casualties indexes by kind and country serve no query (casualty
-- filters read the articles' totals columns) and cost two index inserts per
-- figure.
DROP INDEX IF EXISTS casualties_kind;
DROP INDEX IF EXISTS casualties_country;

-- The time index also carries the position, so a near query walking the
-- newest articles checks the circle from the index; it replaces
-- articles_time.
CREATE INDEX IF NOT EXISTS articles_time_pos ON articles (published_at DESC, id DESC) INCLUDE (lat, lon, seq);
DROP INDEX IF EXISTS articles_time;

-- One-degree grid cells (store.CellOf), each in time order: a near query in
-- a sparse area reads the few cells its circle touches instead of walking
-- every article.
CREATE INDEX IF NOT EXISTS articles_cell ON articles (
	(floor(lat + 90)::int * 360 + floor(lon + 180)::int), published_at DESC, id DESC
) INCLUDE (lat, lon, seq);
