"""The extension contract: what a plugin may contribute, and how it is loaded.

A plugin is an installed package declaring an entry point in the group
``docgraph.plugins`` that names a ``register(registry)`` callable. docgraph's
own features register through the same calls (``DEFAULT_PLUGINS``).

Extension points, one ``Registry`` method each (signatures in
``docgraph.plugins.registry``, a walk-through in ``docs/plugins.md``):

- ``add_schemas``, ``add_facets``, ``add_types``, ``allow_subtypes``: document types.
- ``add_operations``, ``add_chain``, ``add_param_type``, ``add_input_type``: automation.
- ``add_endpoint``: a REST root endpoint ``/api/v1/<name>/...``.
- ``add_adapter``: a REST web adapter ``@name`` on a resource.
- ``add_enricher``: a content enricher, run once per page of entities.
- ``add_writer``: the Nuxeo JSON (or stream) of a result type.
- ``add_page_provider``, ``add_converter``, ``add_rendition``: search and files.
- ``add_business_adapter``: a ``@bo`` business object (a type, a field mapping).
- ``add_bulk_action``: an action ``Bulk.RunAction`` runs over a query's documents.
- ``add_directory``: a directory (vocabulary) and the entries it starts with.
- ``add_graphql``: GraphQL types, Query / Mutation / Subscription fields, and
  fields every document gets.
- ``add_migrations``: the plugin's own numbered ``.sql`` migrations.
- ``add_listener``: change events of committed (or committing) units of work.
- ``add_periodic``: work a running server does on a timer.

Importing this package loads no engine code, no HTTP and no database driver.
"""

from docgraph.plugins.loading import (
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    PluginError,
    build_registry,
    configured_registry,
)
from docgraph.plugins.registry import (
    Adapter,
    BulkAction,
    BusinessAdapter,
    Call,
    Converter,
    Directory,
    DirectoryField,
    DuplicateContribution,
    Endpoint,
    Enricher,
    GraphQLContribution,
    Listener,
    Migrations,
    Output,
    PageProvider,
    Periodic,
    Registry,
    Rendition,
    Writer,
)
from docgraph.resolvers.operations.model import Chain, ChainStep, Param, operation
from docgraph.resolvers.typesystem.model import DocType, Facet, Schema

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "Adapter",
    "BulkAction",
    "BusinessAdapter",
    "Call",
    "Chain",
    "ChainStep",
    "Converter",
    "Directory",
    "DirectoryField",
    "DocType",
    "DuplicateContribution",
    "Endpoint",
    "Enricher",
    "Facet",
    "GraphQLContribution",
    "Listener",
    "Migrations",
    "Output",
    "PageProvider",
    "Param",
    "Periodic",
    "PluginError",
    "configured_registry",
    "Registry",
    "Rendition",
    "Schema",
    "Writer",
    "build_registry",
    "operation",
]
