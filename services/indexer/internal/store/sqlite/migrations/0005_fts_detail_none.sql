-- Text search ANDs single words (dialect.TextArg), so the full-text index
-- needs only which articles hold a term, not where in them: detail=none.
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
	title, body,
	content = '', contentless_delete = 1, detail = none,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
INSERT INTO articles_fts (rowid, title, body)
	SELECT seq, doc ->> '$.title', concat_ws(char(10), nullif(doc ->> '$.summary', ''), nullif(doc ->> '$.text', '')) FROM articles;
INSERT INTO articles_fts (articles_fts) VALUES ('optimize');
