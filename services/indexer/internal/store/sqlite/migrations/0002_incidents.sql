-- Incidents: articles clustered into events by the incident assigner
-- (package assign). Times are Unix microseconds (UTC). doc holds the
-- incident as lists return it, state the whole incident as the clustering
-- needs it (members with their text signatures, toll histories with the
-- evidence); the other columns exist to filter, sort and aggregate.

CREATE TABLE incidents (
	id           TEXT    PRIMARY KEY,
	first_report INTEGER NOT NULL,
	last_report  INTEGER NOT NULL,
	-- The focus: the most precise place any member gives.
	place_id     TEXT    NOT NULL,
	country      TEXT    NOT NULL,
	admin1       TEXT    NOT NULL,
	admin1_name  TEXT    NOT NULL,
	lat          REAL,
	lon          REAL,
	sources      INTEGER NOT NULL,
	articles     INTEGER NOT NULL,
	-- The current best estimate of each kind.
	killed       INTEGER NOT NULL,
	injured      INTEGER NOT NULL,
	arrested     INTEGER NOT NULL,
	kidnapped    INTEGER NOT NULL,
	missing      INTEGER NOT NULL,
	displaced    INTEGER NOT NULL,
	doc          TEXT    NOT NULL,
	state        TEXT    NOT NULL
);
CREATE INDEX incidents_time    ON incidents (first_report, id);
CREATE INDEX incidents_country ON incidents (country, first_report, id);
CREATE INDEX incidents_admin1  ON incidents (country, admin1, first_report, id);

-- Which incident each article is in; an article is in exactly one, so a
-- revision or a replay finds it here and never opens a second.
CREATE TABLE incident_articles (
	article_id  TEXT NOT NULL PRIMARY KEY,
	incident_id TEXT NOT NULL,
	source      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX incident_articles_incident ON incident_articles (incident_id);
CREATE INDEX incident_articles_source   ON incident_articles (source, incident_id);

-- Articles waiting for the assigner, in write order. Triggers fill it so
-- the article upsert itself is untouched; the assigner deletes what it
-- consumed in the transaction that saves the incidents. AUTOINCREMENT:
-- seq orders reports and must not restart when the queue runs empty.
CREATE TABLE incident_queue (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	article_id TEXT    NOT NULL
);
CREATE TRIGGER articles_enqueue_insert AFTER INSERT ON articles BEGIN
	INSERT INTO incident_queue (article_id) VALUES (NEW.id);
END;
CREATE TRIGGER articles_enqueue_update AFTER UPDATE ON articles BEGIN
	INSERT INTO incident_queue (article_id) VALUES (NEW.id);
END;
-- Articles stored before incidents existed.
INSERT INTO incident_queue (article_id) SELECT id FROM articles ORDER BY seq;
