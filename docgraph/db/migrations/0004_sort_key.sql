-- The value a listing sorts a document by, for a sort key that is either a
-- system field (NXQL's name for it) or a property key. NULL key: NULL, so that
-- an unused sort slot orders nothing. IMMUTABLE: it reads only its arguments.
CREATE FUNCTION sort_key(d documents, key text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE key
        WHEN 'ecm:name' THEN to_jsonb(d.name)
        WHEN 'ecm:path' THEN to_jsonb(d.path)
        WHEN 'ecm:uuid' THEN to_jsonb(d.id::text)
        WHEN 'ecm:primaryType' THEN to_jsonb(d.type)
        WHEN 'ecm:pos' THEN to_jsonb(d.position)
        WHEN 'ecm:currentLifeCycleState' THEN to_jsonb(d.lifecycle_state)
        ELSE d.properties -> key
    END
$$;
