-- Articles, the places they mention and their casualty figures.
-- Times are Unix microseconds (UTC). The doc column holds the enriched
-- article exactly as the API returns it; the other columns exist to filter,
-- sort and aggregate. Clustering into incidents (next issue) will add its
-- own tables keyed by articles.id and casualties (article_id, ord).

CREATE TABLE articles (
	seq              INTEGER PRIMARY KEY,
	id               TEXT    NOT NULL UNIQUE,
	revision         INTEGER NOT NULL,
	enricher_version TEXT    NOT NULL,
	published_at     INTEGER NOT NULL,
	enriched_at      INTEGER NOT NULL,
	indexed_at       INTEGER NOT NULL,
	source           TEXT    NOT NULL,
	-- The primary place: the enricher's focus, else the most mentioned place.
	place_id         TEXT    NOT NULL,
	country          TEXT    NOT NULL,
	admin1           TEXT    NOT NULL,
	admin1_name      TEXT    NOT NULL,
	lat              REAL,
	lon              REAL,
	killed           INTEGER NOT NULL,
	injured          INTEGER NOT NULL,
	arrested         INTEGER NOT NULL,
	kidnapped        INTEGER NOT NULL,
	missing          INTEGER NOT NULL,
	displaced        INTEGER NOT NULL,
	doc              TEXT    NOT NULL
);
CREATE INDEX articles_time    ON articles (published_at, id);
CREATE INDEX articles_country ON articles (country, published_at, id);
CREATE INDEX articles_admin1  ON articles (country, admin1, published_at, id);
CREATE INDEX articles_source  ON articles (source, published_at, id);

-- Contentless: the text lives in articles.doc; rowid is articles.seq.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
	title, body,
	content = '', contentless_delete = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE places (
	id           TEXT    PRIMARY KEY,
	geonameid    INTEGER NOT NULL,
	name         TEXT    NOT NULL,
	country      TEXT    NOT NULL,
	admin1_code  TEXT    NOT NULL,
	admin1_name  TEXT    NOT NULL,
	admin2_code  TEXT    NOT NULL,
	lat          REAL    NOT NULL,
	lon          REAL    NOT NULL,
	feature_code TEXT    NOT NULL
);

CREATE TABLE article_places (
	article_id   TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	place_id     TEXT    NOT NULL,
	geonameid    INTEGER NOT NULL,
	country      TEXT    NOT NULL,
	admin1       TEXT    NOT NULL,
	mentions     INTEGER NOT NULL,
	published_at INTEGER NOT NULL,
	PRIMARY KEY (article_id, place_id)
) WITHOUT ROWID;
-- Also ordered by article_id: the primary key follows in every index of a
-- WITHOUT ROWID table.
CREATE INDEX article_places_geonameid ON article_places (geonameid, published_at);
CREATE INDEX article_places_country   ON article_places (country, published_at);
CREATE INDEX article_places_time      ON article_places (published_at);

CREATE TABLE casualties (
	article_id    TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	ord           INTEGER NOT NULL,
	kind          TEXT    NOT NULL,
	count         INTEGER NOT NULL,
	min           INTEGER NOT NULL,
	max           INTEGER NOT NULL,
	qualifier     TEXT    NOT NULL,
	victim_group  TEXT    NOT NULL,
	evidence_text TEXT    NOT NULL,
	place_id      TEXT    NOT NULL,
	country       TEXT    NOT NULL,
	admin1        TEXT    NOT NULL,
	published_at  INTEGER NOT NULL,
	PRIMARY KEY (article_id, ord)
) WITHOUT ROWID;
CREATE INDEX casualties_kind    ON casualties (kind, published_at);
CREATE INDEX casualties_country ON casualties (country, kind, published_at);
