-- A listing that renders a few schemas reads only their properties: the
-- keys whose prefix is one of `prefixes`, plus the `keys` named (what every
-- document's JSON shows, its title). A large note or a long list in another
-- schema then never leaves PostgreSQL. NULL prefixes: every property.
CREATE FUNCTION project_properties(properties jsonb, prefixes text[], keys text[])
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN prefixes IS NULL THEN properties
        ELSE (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                FROM jsonb_each(properties) AS e
               WHERE split_part(e.key, ':', 1) = ANY (prefixes)
                  OR e.key = ANY (keys))
    END
$$;
