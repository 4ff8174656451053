"""docgraph: a content repository server speaking the Nuxeo REST API and GraphQL."""

__version__ = "0.1.0"

# The Nuxeo platform release whose REST API v1 docgraph follows; clients read it
# from /json/cmis to pick code paths (e.g. trash needs >= 10.2).
NUXEO_API_VERSION = "10.10"
