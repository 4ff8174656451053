-- Indexes for the common search shapes (see bench/search.py). Property keys
-- are written out in compiled NXQL, so expression indexes on them apply.
CREATE INDEX documents_type ON documents (type);
CREATE INDEX documents_modified ON documents ((properties ->> 'dc:modified'));
CREATE INDEX documents_created ON documents ((properties ->> 'dc:created'));
CREATE INDEX documents_subjects ON documents USING gin ((properties -> 'dc:subjects'));
CREATE INDEX documents_parent_position ON documents (parent_id, position);
