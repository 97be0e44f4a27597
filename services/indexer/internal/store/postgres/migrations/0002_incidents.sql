-- Incidents: articles clustered into events by the incident assigner
-- (package assign). doc holds the incident as lists return it, state the
-- whole incident as the clustering needs it (members with their text
-- signatures, toll histories with the evidence), both TEXT as for
-- articles.doc; the other columns exist to filter, sort and aggregate.

CREATE TABLE incidents (
	id           TEXT        PRIMARY KEY,
	first_report TIMESTAMPTZ NOT NULL,
	last_report  TIMESTAMPTZ NOT NULL,
	-- The focus: the most precise place any member gives.
	place_id     TEXT        NOT NULL,
	country      TEXT        NOT NULL,
	admin1       TEXT        NOT NULL,
	admin1_name  TEXT        NOT NULL,
	lat          DOUBLE PRECISION,
	lon          DOUBLE PRECISION,
	sources      INTEGER     NOT NULL,
	articles     INTEGER     NOT NULL,
	-- The current best estimate of each kind.
	killed       INTEGER     NOT NULL,
	injured      INTEGER     NOT NULL,
	arrested     INTEGER     NOT NULL,
	kidnapped    INTEGER     NOT NULL,
	missing      INTEGER     NOT NULL,
	displaced    INTEGER     NOT NULL,
	doc          TEXT        NOT NULL,
	state        TEXT        NOT NULL
);
CREATE INDEX incidents_time    ON incidents (first_report, id);
CREATE INDEX incidents_country ON incidents (country, first_report, id);
CREATE INDEX incidents_admin1  ON incidents (country, admin1, first_report, id);

-- Which incident each article is in; an article is in exactly one, so a
-- revision or a replay finds it here and never opens a second.
CREATE TABLE incident_articles (
	article_id  TEXT PRIMARY KEY,
	incident_id TEXT NOT NULL,
	source      TEXT NOT NULL
);
CREATE INDEX incident_articles_incident ON incident_articles (incident_id);
CREATE INDEX incident_articles_source   ON incident_articles (source, incident_id);

-- Articles waiting for the assigner. Statement-level triggers fill it with
-- one INSERT per upsert statement, so the article upsert is untouched; the
-- assigner deletes what it consumed in the transaction that saves the
-- incidents, so entries committed out of seq order are still taken later.
CREATE TABLE incident_queue (
	seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id TEXT   NOT NULL
);

CREATE FUNCTION incident_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO incident_queue (article_id) SELECT id FROM changed_articles ORDER BY seq;
	RETURN NULL;
END
$$;
CREATE TRIGGER articles_enqueue_insert AFTER INSERT ON articles
	REFERENCING NEW TABLE AS changed_articles FOR EACH STATEMENT EXECUTE FUNCTION incident_enqueue();
CREATE TRIGGER articles_enqueue_update AFTER UPDATE ON articles
	REFERENCING NEW TABLE AS changed_articles FOR EACH STATEMENT EXECUTE FUNCTION incident_enqueue();

-- Articles stored before incidents existed.
INSERT INTO incident_queue (article_id) SELECT id FROM articles ORDER BY seq;
