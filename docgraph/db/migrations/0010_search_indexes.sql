-- Indexes for the common search shapes (see bench/search.py). Property keys
-- are written out in compiled NXQL, so expression indexes on them apply.
CREATE INDEX documents_type ON documents (type);
-- With the id: a search sorted by the date, then the id (its tie-break), reads
-- its first page straight from the index.
CREATE INDEX documents_modified ON documents ((properties ->> 'dc:modified'), id);
CREATE INDEX documents_created ON documents ((properties ->> 'dc:created'), id);
-- Which principals some ACE names (each request's permission filter).
CREATE INDEX acls_principal ON acls (principal);
CREATE INDEX documents_subjects ON documents USING gin ((properties -> 'dc:subjects'));
CREATE INDEX documents_parent_position ON documents (parent_id, position);
