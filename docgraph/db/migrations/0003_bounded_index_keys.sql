-- A btree entry holds at most ~2.7 kB: listing children by title sorts on a
-- 200-character prefix of the title (then the whole title for ties), so a
-- long title can be stored. Paths are bounded by the engine instead.
DROP INDEX documents_children;
CREATE INDEX documents_children
    ON documents (parent_id, left(properties ->> 'dc:title', 200), name);
