"""The registry: one typed table per extension point.

Every contribution names its contributor (the plugin being loaded). A name
registered twice is an error at start-up naming both contributors, unless the
later call passes ``replace=True`` (as a Nuxeo bundle overrides a
contribution). The signatures of the callables each point takes are the
protocols below; ``docs/plugins.md`` walks through them.

This module imports no engine code: types from the engine appear in
annotations only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from docgraph.resolvers.operations.model import (
    Chain,
    OperationFunc,
    OperationRegistry,
    ParamCoercer,
    declared_in,
)
from docgraph.resolvers.typesystem.model import DocType, Facet, Schema, TypeRegistry

if TYPE_CHECKING:
    from docgraph.db.pool import Database
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.events import ChangeEvent
    from docgraph.settings import Settings


class Call(Protocol):
    """The HTTP side of a REST step, as adapters and endpoints see it;
    ``piped``: its value goes on to the next step instead of the answer."""

    method: str
    piped: bool

    @property
    def query(self) -> Mapping[str, str]: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    async def json(self) -> Any: ...


# The callables each point takes. Arguments are positional: name them as you like.


class AdapterHandler(Protocol):
    async def __call__(
        self, ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call, /
    ) -> Any: ...


class EndpointHandler(Protocol):
    async def __call__(self, ctx: RequestContext, args: tuple[str, ...], call: Call, /) -> Any: ...


class EnricherFunc(Protocol):
    async def __call__(self, ctx: RequestContext, entities: Sequence[Any], /) -> Sequence[Any]: ...


class Output(Protocol):
    """What a writer gets: the request context and a way to write nested values."""

    ctx: RequestContext

    @property
    def nested(self) -> bool: ...

    async def render(self, value: Any) -> Any: ...

    async def render_many(self, values: Sequence[Any]) -> list[Any]: ...


class WriterFunc(Protocol):
    async def __call__(self, out: Output, value: Any, /) -> Any: ...


class ChangeListener(Protocol):
    async def __call__(self, ctx: RequestContext, events: Sequence[ChangeEvent], /) -> None: ...


HTTP_READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class Adapter:
    """``@name`` on a REST resource; ``accepts`` are the subject types it takes.
    Writes through an adapter run in one unit of work opened after the body is
    read, unless it is ``streaming``: it then reads its body and opens its
    unit itself (when it is the last step)."""

    name: str
    handler: AdapterHandler
    accepts: tuple[type, ...] = (object,)
    methods: frozenset[str] = HTTP_READS
    streaming: bool = False


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A REST root ``/api/v1/<name>/...``. Mutating methods run in a unit of
    work opened after the body is read; a ``streaming`` endpoint reads its body
    itself and opens its own unit."""

    name: str
    handler: EndpointHandler
    methods: frozenset[str] = HTTP_READS
    streaming: bool = False


@dataclass(frozen=True, slots=True)
class Enricher:
    """``enrichers.<entity>: <name>``: one value per entity of a page, written
    under ``contextParameters.<name>``. An enricher that never looks at a
    document's properties says so (``reads_properties``): a listing that
    asks for it may still read only the schemas it renders."""

    entity: str
    name: str
    func: EnricherFunc
    reads_properties: bool = True


@dataclass(frozen=True, slots=True)
class Writer:
    """Renders values of ``type`` (and subclasses) as Nuxeo JSON, or returns a
    response of its own (a stream). ``entity`` names the enrichers that apply."""

    type: type
    func: WriterFunc
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class PageProvider:
    """A named, parameterised query (``@pp``, ``/search/pp/{name}``)."""

    name: str
    func: Callable[..., Awaitable[Any]]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Converter:
    name: str
    source_mime_types: tuple[str, ...]
    destination_mime_type: str
    func: Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Rendition:
    """``@rendition/{name}``: ``async func(ctx, document)`` returns a blob (or
    a generated file); ``available(ctx, document)`` says whether the document
    has it (default: always). Hidden ones are served but not listed."""

    name: str
    func: Callable[..., Awaitable[Any]]
    kind: str = ""
    # Document types it applies to; empty: every type.
    types: tuple[str, ...] = ()
    available: Callable[..., bool] | None = None
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class BulkAction:
    """A bulk action (``Bulk.RunAction``, ``POST /search/bulk/{name}``):
    ``async func(ctx, documents, params)`` acts on one batch of the documents
    a query found, as the user who submitted the command, in one unit of work.
    ``check(ctx, params)`` refuses bad parameters before anything runs (raise
    a ``BadRequest``). An ``administrators_only`` action is refused to others."""

    name: str
    func: Callable[..., Awaitable[None]]
    check: Callable[..., None] | None = None
    administrators_only: bool = False


@dataclass(frozen=True, slots=True)
class BusinessAdapter:
    """``@bo/{name}``: documents of ``type`` seen as a flat object whose
    ``fields`` map to properties (``{"title": "dc:title"}``)."""

    name: str
    type: str
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class DirectoryField:
    name: str
    # "string" or "integer".
    type: str = "string"
    default: Any = None


@dataclass(frozen=True, slots=True)
class Directory:
    """A vocabulary or other table of entries under ``/directory/{name}``:
    its schema's fields, the one holding the entry id, the directory holding
    the parents of its entries (hierarchical vocabularies: another one, or
    itself), its types (``system`` ones are not listed) and the CSV file
    whose rows it starts with (a header row naming the fields)."""

    name: str
    schema: str
    fields: tuple[DirectoryField, ...]
    id_field: str = "id"
    parent: str | None = None
    types: tuple[str, ...] = ()
    data: Path | None = None

    def field(self, name: str) -> DirectoryField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class GraphQLContribution:
    """strawberry types whose fields are merged into the root types, and
    (``document``) into the Document interface and every document type."""

    contributor: str
    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: tuple[type, ...] = ()
    document: type | None = None


@dataclass(frozen=True, slots=True)
class Migrations:
    """Numbered ``NNNN_name.sql`` files, applied in order after docgraph's own,
    their version kept under ``component``."""

    component: str
    directory: Path


Phase = Literal["before_commit", "after_commit"]


@dataclass(frozen=True, slots=True)
class Listener:
    func: ChangeListener
    phase: Phase = "after_commit"


class PeriodicFunc(Protocol):
    async def __call__(
        self, database: Database, registry: Registry, settings: Settings, /
    ) -> object: ...


@dataclass(frozen=True, slots=True)
class Periodic:
    """Work a running server does every ``interval`` seconds (the first time
    one interval after start), in each process; a failure is logged and the
    work runs again at the next interval."""

    name: str
    func: PeriodicFunc
    interval: float


class DuplicateContribution(ValueError):
    pass


@dataclass
class Registry:
    types: TypeRegistry = field(default_factory=TypeRegistry)
    operations: OperationRegistry = field(default_factory=OperationRegistry)
    adapters: dict[str, Adapter] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    enrichers: dict[tuple[str, str], Enricher] = field(default_factory=dict)
    writers: dict[type, Writer] = field(default_factory=dict)
    page_providers: dict[str, PageProvider] = field(default_factory=dict)
    converters: dict[str, Converter] = field(default_factory=dict)
    renditions: dict[str, Rendition] = field(default_factory=dict)
    business_adapters: dict[str, BusinessAdapter] = field(default_factory=dict)
    bulk_actions: dict[str, BulkAction] = field(default_factory=dict)
    directories: dict[str, Directory] = field(default_factory=dict)
    graphql: list[GraphQLContribution] = field(default_factory=list)
    migrations: list[Migrations] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)
    periodics: list[Periodic] = field(default_factory=list)
    # Plugins loaded from entry points or passed explicitly, in order.
    loaded: list[str] = field(default_factory=list)
    # Who is registering now; set by the loader around each register() call.
    contributor: str = "docgraph"
    _owners: dict[tuple[str, object], str] = field(default_factory=dict, repr=False)
    _writer_cache: dict[type, Writer | None] = field(default_factory=dict, repr=False)

    def _claim(self, point: str, name: object, replace: bool) -> None:
        owner = self._owners.get((point, name))
        if owner is not None and not replace:
            raise DuplicateContribution(
                f"{point} {name!r} is registered by {owner!r} and again by {self.contributor!r}"
                " (pass replace=True to override it)"
            )
        self._owners[(point, name)] = self.contributor

    def _put(self, point: str, table: dict[Any, Any], key: Any, value: Any, replace: bool) -> None:
        self._claim(point, key, replace)
        table[key] = value

    # -- document types ---------------------------------------------------
    def add_schemas(self, schemas: Iterable[Schema], *, replace: bool = False) -> None:
        schemas = list(schemas)
        for schema in schemas:
            self._claim("schema", schema.name, replace)
        self.types.add_schemas(schemas)

    def add_facets(self, facets: Iterable[Facet], *, replace: bool = False) -> None:
        facets = list(facets)
        for facet in facets:
            self._claim("facet", facet.name, replace)
        self.types.add_facets(facets)

    def add_types(self, types: Iterable[DocType], *, replace: bool = False) -> None:
        types = list(types)
        for doctype in types:
            self._claim("document type", doctype.name, replace)
        self.types.add_types(types)

    def allow_subtypes(self, type_name: str, subtypes: Iterable[str]) -> None:
        """Add to the types offered for creation under ``type_name`` (the
        ``subtypes`` enricher lists them; as in Nuxeo's core, creating another
        type is not refused)."""
        self.types.extend_subtypes(type_name, subtypes)

    # -- automation -------------------------------------------------------
    def add_operations(
        self, source: ModuleType | Iterable[OperationFunc], *, replace: bool = False
    ) -> None:
        """Every ``@operation`` function of a module (or of a list)."""
        for op in declared_in(source):
            for name in self.operations.names(op):
                self._claim("operation", name, replace)
            if replace and (old := self.operations.get(op.id)) is not None:
                self.operations.remove(old.id)
            self.operations.add(op)

    def add_chain(self, chain: Chain, *, replace: bool = False) -> None:
        self._claim("operation", chain.id, replace)
        self.operations.chains[chain.id] = chain

    def add_param_type(self, name: str, coercer: ParamCoercer, *, replace: bool = False) -> None:
        """``async coercer(ctx, raw_value) -> value`` for parameters of type ``name``;
        raise ValueError or TypeError for a bad value (the client gets a 400)."""
        self._claim("parameter type", name, replace)
        self.operations.param_types[name] = coercer

    def add_input_type(self, name: str, *types: type, replace: bool = False) -> None:
        """Values of ``types`` are operation inputs of Nuxeo type ``name``."""
        self._claim("input type", name, replace)
        self.operations.input_types[name] = types

    # -- REST -------------------------------------------------------------
    def add_adapter(self, adapter: Adapter, *, replace: bool = False) -> None:
        self._put("adapter", self.adapters, adapter.name, adapter, replace)

    def add_endpoint(self, endpoint: Endpoint, *, replace: bool = False) -> None:
        self._put("endpoint", self.endpoints, endpoint.name, endpoint, replace)

    def add_enricher(self, enricher: Enricher, *, replace: bool = False) -> None:
        key = (enricher.entity, enricher.name)
        self._claim("enricher", f"{enricher.entity}:{enricher.name}", replace)
        self.enrichers[key] = enricher

    def add_writer(self, writer: Writer, *, replace: bool = False) -> None:
        self._claim("writer", f"{writer.type.__module__}.{writer.type.__qualname__}", replace)
        self.writers[writer.type] = writer
        self._writer_cache.clear()

    def writer_for(self, kind: type) -> Writer | None:
        """The writer of the closest registered base class of ``kind``."""
        try:
            return self._writer_cache[kind]
        except KeyError:
            found = next((self.writers[t] for t in kind.__mro__ if t in self.writers), None)
            self._writer_cache[kind] = found
            return found

    # -- search and files (consumed by their features) --------------------
    def add_page_provider(self, provider: PageProvider, *, replace: bool = False) -> None:
        self._put("page provider", self.page_providers, provider.name, provider, replace)

    def add_converter(self, converter: Converter, *, replace: bool = False) -> None:
        self._put("converter", self.converters, converter.name, converter, replace)

    def add_rendition(self, rendition: Rendition, *, replace: bool = False) -> None:
        self._put("rendition", self.renditions, rendition.name, rendition, replace)

    def add_business_adapter(self, adapter: BusinessAdapter, *, replace: bool = False) -> None:
        self._put("business adapter", self.business_adapters, adapter.name, adapter, replace)

    def add_bulk_action(self, action: BulkAction, *, replace: bool = False) -> None:
        self._put("bulk action", self.bulk_actions, action.name, action, replace)

    def add_directory(self, directory: Directory, *, replace: bool = False) -> None:
        if directory.field(directory.id_field) is None:
            raise ValueError(f"directory {directory.name}: no id field {directory.id_field!r}")
        self._put("directory", self.directories, directory.name, directory, replace)

    # -- GraphQL, storage, events -----------------------------------------
    def add_graphql(
        self,
        *,
        query: type | None = None,
        mutation: type | None = None,
        subscription: type | None = None,
        types: Iterable[type] = (),
        document: type | None = None,
    ) -> None:
        """strawberry classes whose fields join the root types; ``document``'s
        fields join every document (their resolvers get the document as
        ``strawberry.Parent``). A field name taken twice fails when the
        schema is built."""
        self.graphql.append(
            GraphQLContribution(
                self.contributor, query, mutation, subscription, tuple(types), document
            )
        )

    def add_migrations(self, directory: Path | str, *, component: str | None = None) -> None:
        component = component or self.contributor
        self._claim("migrations", component, False)
        self.migrations.append(Migrations(component, Path(directory)))

    def add_listener(self, func: ChangeListener, *, phase: Phase = "after_commit") -> None:
        """``before_commit``: inside the transaction (a failure rolls it back);
        ``after_commit``: once the changes are durable (failures are logged)."""
        self.listeners.append(Listener(func, phase))

    def add_periodic(self, periodic: Periodic) -> None:
        """Background work a server runs on a timer (escalations, clean-ups)."""
        if periodic.interval <= 0:
            raise ValueError(f"periodic {periodic.name}: the interval must be positive")
        self.periodics.append(periodic)

    def check(self) -> None:
        """Cross-references between contributions, once all are in."""
        self.operations.check()
        for directory in self.directories.values():
            if directory.parent is not None and directory.parent not in self.directories:
                raise ValueError(
                    f"directory {directory.name}: unknown parent directory {directory.parent}"
                )
