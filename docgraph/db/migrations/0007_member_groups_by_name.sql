-- A group's member groups are references by name, as in Nuxeo's directories:
-- a group may list a member group that does not exist (yet). Nested group
-- resolution simply finds nothing for it. Parents must still exist.
ALTER TABLE group_subgroups DROP CONSTRAINT group_subgroups_child_group_fkey;
