-- A query without ORDER BY pages in creation order (position, then id):
-- the index walks the table roughly in the order its rows were written, so
-- a selective permission filter reads neighbouring pages, not one random
-- page per row as the primary key's (random uuid) order did.
CREATE INDEX documents_position ON documents (position, id);
