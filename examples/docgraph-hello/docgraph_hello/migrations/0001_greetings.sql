-- The greetings recorded by POST /api/v1/hello/{name}.
CREATE TABLE hello_greetings (
    name         text PRIMARY KEY,
    greeted      integer NOT NULL DEFAULT 0,
    last_greeted timestamptz
);
