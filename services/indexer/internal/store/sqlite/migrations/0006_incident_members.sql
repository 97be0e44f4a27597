-- Incident members as rows of their own: incident_articles.part holds the
-- member and its reports (incident.Part), ord its position, and
-- incidents.state only the incident's head. A save then writes the head
-- and the members that changed, not the whole incident, whose size grows
-- with every report.
--
-- Incidents are derived from the articles, so the old states are not
-- converted: every article is queued again and the assigner rebuilds them.
ALTER TABLE incident_articles ADD COLUMN ord INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incident_articles ADD COLUMN part TEXT NOT NULL DEFAULT '';
DROP INDEX incident_articles_incident;
CREATE INDEX incident_articles_incident ON incident_articles (incident_id, ord);

DELETE FROM incident_articles;
DELETE FROM incidents;
DELETE FROM incident_queue;
INSERT INTO incident_queue (article_id) SELECT id FROM articles ORDER BY seq;
