-- Articles, the places they mention and their casualty figures. The doc
-- column holds the enriched article as the API returns it; the other
-- columns exist to filter, sort and aggregate. Clustering into incidents
-- (next issue) will add its own tables keyed by articles.id and
-- casualties (article_id, ord).

CREATE TABLE articles (
	seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id               TEXT        NOT NULL UNIQUE,
	revision         INTEGER     NOT NULL,
	enricher_version TEXT        NOT NULL,
	published_at     TIMESTAMPTZ NOT NULL,
	enriched_at      TIMESTAMPTZ NOT NULL,
	indexed_at       TIMESTAMPTZ NOT NULL,
	source           TEXT        NOT NULL,
	-- The primary place: the enricher's focus, else the most mentioned place.
	place_id         TEXT        NOT NULL,
	country          TEXT        NOT NULL,
	admin1           TEXT        NOT NULL,
	admin1_name      TEXT        NOT NULL,
	lat              DOUBLE PRECISION,
	lon              DOUBLE PRECISION,
	killed           INTEGER     NOT NULL,
	injured          INTEGER     NOT NULL,
	arrested         INTEGER     NOT NULL,
	kidnapped        INTEGER     NOT NULL,
	missing          INTEGER     NOT NULL,
	displaced        INTEGER     NOT NULL,
	search           TSVECTOR    NOT NULL,
	-- TEXT rather than JSONB: JSONB rejects \u0000, which article text may hold.
	doc              TEXT        NOT NULL
);
CREATE INDEX articles_time    ON articles (published_at DESC, id DESC);
CREATE INDEX articles_country ON articles (country, published_at DESC, id DESC);
CREATE INDEX articles_admin1  ON articles (country, admin1, published_at DESC, id DESC);
CREATE INDEX articles_source  ON articles (source, published_at DESC, id DESC);
CREATE INDEX articles_search  ON articles USING GIN (search);

CREATE TABLE places (
	id           TEXT             PRIMARY KEY,
	geonameid    BIGINT           NOT NULL,
	name         TEXT             NOT NULL,
	country      TEXT             NOT NULL,
	admin1_code  TEXT             NOT NULL,
	admin1_name  TEXT             NOT NULL,
	admin2_code  TEXT             NOT NULL,
	lat          DOUBLE PRECISION NOT NULL,
	lon          DOUBLE PRECISION NOT NULL,
	feature_code TEXT             NOT NULL
);

CREATE TABLE article_places (
	article_id   TEXT        NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	place_id     TEXT        NOT NULL,
	geonameid    BIGINT      NOT NULL,
	country      TEXT        NOT NULL,
	admin1       TEXT        NOT NULL,
	mentions     INTEGER     NOT NULL,
	published_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (article_id, place_id)
);
CREATE INDEX article_places_geonameid ON article_places (geonameid, published_at DESC, article_id DESC);
CREATE INDEX article_places_country   ON article_places (country, published_at);
CREATE INDEX article_places_time      ON article_places (published_at);

CREATE TABLE casualties (
	article_id    TEXT        NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	ord           INTEGER     NOT NULL,
	kind          TEXT        NOT NULL,
	count         INTEGER     NOT NULL,
	min           INTEGER     NOT NULL,
	max           INTEGER     NOT NULL,
	qualifier     TEXT        NOT NULL,
	victim_group  TEXT        NOT NULL,
	evidence_text TEXT        NOT NULL,
	place_id      TEXT        NOT NULL,
	country       TEXT        NOT NULL,
	admin1        TEXT        NOT NULL,
	published_at  TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (article_id, ord)
);
CREATE INDEX casualties_kind    ON casualties (kind, published_at);
CREATE INDEX casualties_country ON casualties (country, kind, published_at);
