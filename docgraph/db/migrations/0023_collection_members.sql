-- Which collections hold a document: the members' ids are kept on the
-- collection (collection:documentIds), and this index finds the collections
-- naming any of a page of documents without writing on the members.
CREATE INDEX documents_collection_members ON documents
    USING gin ((properties -> 'collection:documentIds'))
    WHERE properties ? 'collection:documentIds';
