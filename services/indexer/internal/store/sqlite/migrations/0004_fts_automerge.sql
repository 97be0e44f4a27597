-- Let the full-text index gather up to 16 segments of a size before merging
-- them (FTS5's default is 4). Every write batch adds a segment, and with the
-- default the merges rewrote the doclists of common words so often that they
-- took over half the time of a write in an end-to-end flood; a query reads a
-- few more segments instead. See services/indexer/BENCHMARKS.md.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
