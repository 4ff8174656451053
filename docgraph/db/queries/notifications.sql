-- name: subscribe
INSERT INTO notification_subscriptions (document_id, username, notification)
SELECT $1, $2, n FROM unnest($3::text[]) AS n
ON CONFLICT DO NOTHING

-- name: unsubscribe
DELETE FROM notification_subscriptions
 WHERE document_id = $1 AND username = $2 AND notification = ANY($3::text[])

-- name: of_user
-- The notifications $2 subscribed to on each of the documents $1.
SELECT document_id, notification
  FROM notification_subscriptions
 WHERE document_id = ANY($1::uuid[]) AND username = $2
 ORDER BY notification

-- name: subscribers
-- Subscriptions on any of the documents $1 to any of the notifications $2,
-- with the subscriber's e-mail address (those without one cannot be told).
SELECT s.document_id, s.username, s.notification, u.email
  FROM notification_subscriptions s
  JOIN users u ON u.username = s.username
 WHERE s.document_id = ANY($1::uuid[])
   AND s.notification = ANY($2::text[])
   AND u.email IS NOT NULL AND u.email <> ''
 ORDER BY s.username
 LIMIT $3
