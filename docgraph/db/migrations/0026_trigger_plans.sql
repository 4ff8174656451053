-- Pool connections plan every statement for its own parameters (db/pool.py
-- SERVER_SETTINGS). The statements inside row triggers run once per row and
-- gain nothing from it: replanning them made a bulk insert three times
-- slower. They keep PostgreSQL's cached plans. (A CREATE OR REPLACE of one
-- of these functions must repeat its SET clause.)
ALTER FUNCTION index_fulltext() SET plan_cache_mode = auto;
ALTER FUNCTION follow_proxy_target() SET plan_cache_mode = auto;
