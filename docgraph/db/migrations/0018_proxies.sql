-- A proxy shows its target (a version, or a live document) at another place
-- in the tree. It holds a copy of the target's content, which this trigger
-- keeps in step whatever statement changes the target, so that listings and
-- searches read proxies like any other row.
CREATE FUNCTION follow_proxy_target() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents p
       SET properties      = NEW.properties,
           mixins          = NEW.mixins,
           lifecycle_state = NEW.lifecycle_state,
           major_version   = NEW.major_version,
           minor_version   = NEW.minor_version,
           version_label   = NEW.version_label,
           is_checked_out  = NEW.is_checked_out,
           modified        = NEW.modified,
           system_change   = p.system_change + 1
     WHERE p.proxy_target_id = NEW.id;
    RETURN NULL;
END
$$;

-- A proxy is never a target; a target's lookup is an index scan of
-- documents_proxy_target, which holds proxies only.
CREATE TRIGGER documents_follow_proxy_target
    AFTER UPDATE OF properties, mixins, lifecycle_state, major_version, minor_version,
                    is_checked_out
    ON documents
    FOR EACH ROW
    WHEN (NEW.proxy_target_id IS NULL)
    EXECUTE FUNCTION follow_proxy_target();
