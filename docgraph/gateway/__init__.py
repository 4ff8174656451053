"""HTTP: the aiohttp application, the Nuxeo REST door and the GraphQL door."""
