"""Storage: asyncpg pool, migrations, named queries, embedded PostgreSQL."""
