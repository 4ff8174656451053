-- name: insert
-- Log entries, one per element of the arrays.
INSERT INTO audit_log (event_id, category, principal, comment, doc_lifecycle, doc_path,
                       doc_type, doc_uuid, repository, event_date, extended)
SELECT *
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
              $7::text[], $8::uuid[], $9::text[], $10::timestamptz[], $11::jsonb[])

-- name: page
-- Log entries newest first: of the documents $1 (the DOCUMENTS marker is
-- replaced by one of the two conditions below: those documents, served by
-- the audit_log_document index, or every document, $1 NULL), of the event ids $2,
-- categories $3, principals $4 (NULL: any of each), dated in [$5, $6] (NULL:
-- open); the entries of documents other than the first of $1 stop at $7 (a
-- version's history stops where the version was made).
SELECT a.*
  FROM audit_log a
 WHERE true /*DOCUMENTS*/
   AND ($2::text[] IS NULL OR a.event_id = ANY($2::text[]))
   AND ($3::text[] IS NULL OR a.category = ANY($3::text[]))
   AND ($4::text[] IS NULL OR a.principal = ANY($4::text[]))
   AND ($5::timestamptz IS NULL OR a.event_date >= $5)
   AND ($6::timestamptz IS NULL OR a.event_date <= $6)
   AND ($7::timestamptz IS NULL OR a.event_date <= $7 OR a.doc_uuid = ($1::uuid[])[1])
 ORDER BY a.event_date DESC, a.id DESC
 LIMIT $8
OFFSET $9

-- name: count
-- How many entries the page query matches, counting at most $8.
SELECT count(*)
  FROM (SELECT 1
          FROM audit_log a
         WHERE true /*DOCUMENTS*/
           AND ($2::text[] IS NULL OR a.event_id = ANY($2::text[]))
           AND ($3::text[] IS NULL OR a.category = ANY($3::text[]))
           AND ($4::text[] IS NULL OR a.principal = ANY($4::text[]))
           AND ($5::timestamptz IS NULL OR a.event_date >= $5)
           AND ($6::timestamptz IS NULL OR a.event_date <= $6)
           AND ($7::timestamptz IS NULL OR a.event_date <= $7 OR a.doc_uuid = ($1::uuid[])[1])
         LIMIT $8) AS matches

-- name: of_documents
AND a.doc_uuid = ANY($1::uuid[])

-- name: of_all
AND $1::uuid[] IS NULL
