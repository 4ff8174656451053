"""The Nuxeo REST API v1 door: URL parsing, the executor over resolvers, JSON writers."""
