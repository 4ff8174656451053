-- Chunks sent in order are appended to one growing part (where the blob
-- store can append): how many, and how long it is. Others stay parts of
-- their own until the file is complete.
ALTER TABLE upload_files
    ADD COLUMN joined_chunks integer NOT NULL DEFAULT 0,
    ADD COLUMN joined_length bigint  NOT NULL DEFAULT 0;
