"""Comments and annotations in GraphQL: ``Document.comments``,
``Document.annotations``, ``Comment.replies`` and the comment mutations,
through the same engine calls as ``@comment`` and ``@annotation``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from docgraph.errors import NotFound
from docgraph.resolvers import comments, documents
from docgraph.resolvers.comments import CommentList, CommentView
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document as DocumentModel
from docgraph.resolvers.model import IdRef, PageRequest

# (schema.documents imports this module: its Context is not importable here.)
Context = Info[RequestContext, None]

if TYPE_CHECKING:
    from docgraph.plugins import Registry

PageSize = Annotated[
    int, strawberry.argument(name="pageSize", description="0: the largest page allowed")
]
PageIndex = Annotated[int, strawberry.argument(name="currentPageIndex")]


@strawberry.type(description="A comment (or an annotation) and, on demand, its replies.")
class Comment:
    view: strawberry.Private[CommentView]
    id: strawberry.ID
    parent_id: str | None = strawberry.field(name="parentId")
    ancestor_ids: list[str] = strawberry.field(name="ancestorIds")
    author: str | None
    text: str | None
    creation_date: str | None = strawberry.field(name="creationDate")
    modification_date: str | None = strawberry.field(name="modificationDate")
    xpath: str | None
    entity_id: str | None = strawberry.field(name="entityId")
    permissions: list[str]

    @classmethod
    def of(cls, view: CommentView) -> Comment:
        return cls(
            view=view,
            id=strawberry.ID(view.doc.uid),
            parent_id=view.value("comment:parentId"),
            ancestor_ids=list(view.value("comment:ancestorIds") or []),
            author=view.value("comment:author"),
            text=view.value("comment:text"),
            creation_date=view.value("comment:creationDate"),
            modification_date=view.value("comment:modificationDate"),
            xpath=view.value("annotation:xpath"),
            entity_id=view.value("externalEntity:entityId"),
            permissions=list(view.permissions),
        )

    @strawberry.field(description="The direct replies, newest first.")
    async def replies(
        self, info: Context, page_size: PageSize = 50, current_page_index: PageIndex = 0
    ) -> Comments:
        compute = comments.pages_of(PageRequest(current_page_index, page_size))
        return Comments.of(await info.context.loaders.per_document(compute, self.view.doc))


@strawberry.type(description="A page of comments, newest first.")
class Comments:
    total_size: int = strawberry.field(name="totalSize")
    entries: list[Comment]

    @classmethod
    def of(cls, found: CommentList) -> Comments:
        return cls(total_size=found.total_size, entries=[Comment.of(v) for v in found.entries])


@strawberry.type
class CommentMutation:
    @strawberry.mutation(
        name="createComment",
        description="Comment on a document, or reply to a comment (its id as documentId).",
    )
    async def create_comment(
        self,
        info: Context,
        document_id: Annotated[strawberry.ID, strawberry.argument(name="documentId")],
        text: str,
        xpath: Annotated[
            str | None, strawberry.argument(description="an annotation of this blob")
        ] = None,
    ) -> Comment:
        ctx = info.context
        about = await documents.get(ctx, IdRef(str(document_id)))
        values = {"text": text, "xpath": xpath}
        view = await comments.create(ctx, about, values, annotation=xpath is not None)
        return Comment.of(view)

    @strawberry.mutation(name="updateComment", description="Change one's comment's text.")
    async def update_comment(self, info: Context, id: strawberry.ID, text: str) -> Comment:
        ctx = info.context
        found = await _comment(info, id)
        return Comment.of(await comments.update(ctx, found, {"text": text}))

    @strawberry.mutation(name="deleteComment", description="Remove one's comment and its replies.")
    async def delete_comment(self, info: Context, id: strawberry.ID) -> bool:
        await comments.delete(info.context, await _comment(info, id))
        return True


async def _comment(info: Context, id: strawberry.ID) -> DocumentModel:
    ctx = info.context
    found = await documents.get(ctx, IdRef(str(id)))
    if not comments.is_comment(found):
        raise NotFound(f"Comment not found: {str(id)[:64]}")
    return found


def register(registry: Registry) -> None:
    registry.add_graphql(mutation=CommentMutation, types=(Comment, Comments))
