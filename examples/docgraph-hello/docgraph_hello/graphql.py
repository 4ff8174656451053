"""GraphQL fields on ``Query``: thin calls into the same functions as REST."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import IdRef
from docgraph_hello import greetings, wordcount


@strawberry.type(name="Greeting", description="A greeting and how often it was recorded.")
class Greeting:
    name: str
    message: str
    greeted: int


@strawberry.type(name="WordCount", description="Words of a document's title, description, note.")
class WordCount:
    title: int
    description: int
    note: int
    total: int


@strawberry.type
class HelloQuery:
    @strawberry.field(description="Greet someone (docgraph-hello).")
    async def hello(self, info: Info[RequestContext, None], name: str) -> Greeting:
        name = greetings.check_name((name,))
        found = greetings.greeting(name, await greetings.times_greeted(info.context, name))
        return Greeting(name=name, message=found["message"], greeted=found["greeted"])

    @strawberry.field(description="Count the words of a document (docgraph-hello).")
    async def wordcount(self, info: Info[RequestContext, None], id: strawberry.ID) -> WordCount:
        counted = wordcount.count(await documents.get(info.context, IdRef(str(id))))
        return WordCount(
            title=counted.title,
            description=counted.description,
            note=counted.note,
            total=counted.total,
        )
