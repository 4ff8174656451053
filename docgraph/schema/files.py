"""Files in GraphQL: upload batches, attaching and removing blobs, and
uploads sent with the mutation itself (the GraphQL multipart request spec,
read by ``gateway/graphql.py``). The same engine as REST's ``/upload``,
``@blob`` and ``Blob.*`` operations."""

from __future__ import annotations

from typing import Annotated, Any, NewType

import strawberry
from graphql import ValueNode

from docgraph.errors import NotFound
from docgraph.plugins import Registry
from docgraph.resolvers import blobs, documents, files, uploads
from docgraph.resolvers.model import Blob as BlobModel
from docgraph.resolvers.model import IdRef
from docgraph.resolvers.uploads import BatchFile
from docgraph.schema.blob import Long
from docgraph.schema.documents import Context, Document

Upload = NewType("Upload", object)


def _upload_value(value: Any) -> BlobModel:
    # Only the door puts a blob here, from a file part it has stored: JSON
    # variables cannot make one.
    if not isinstance(value, BlobModel):
        raise ValueError("Upload values are files sent with the request (multipart)")
    return value


def _upload_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    raise ValueError("Upload values are files sent with the request (multipart)")


# Give it to the schema's config (``scalar_map``).
UPLOAD = strawberry.scalar(
    name="Upload",
    description="A file sent with the request (GraphQL multipart request spec).",
    serialize=lambda _: None,
    parse_value=_upload_value,
    parse_literal=_upload_literal,
)


@strawberry.type(description="A file of an upload batch.")
class UploadedFile:
    index: int
    name: str
    mime_type: str = strawberry.field(name="mimeType")
    size: Long | None
    upload_type: str = strawberry.field(name="uploadType")
    chunk_count: int | None = strawberry.field(name="chunkCount")
    uploaded_chunk_ids: list[int] = strawberry.field(name="uploadedChunkIds")
    complete: bool

    @classmethod
    def of(cls, found: BatchFile) -> UploadedFile:
        return cls(
            index=found.index,
            name=found.name,
            mime_type=found.mime_type,
            size=Long(found.size) if found.size is not None else None,
            upload_type=found.upload_type,
            chunk_count=found.chunk_count,
            uploaded_chunk_ids=list(found.uploaded_chunks),
            complete=found.complete,
        )


@strawberry.type(description="Files uploaded ahead of the mutation that uses them (REST /upload).")
class UploadBatch:
    id: strawberry.ID
    files: list[UploadedFile]


@strawberry.type
class FilesQuery:
    @strawberry.field(
        name="uploadBatch", description="One of your upload batches; null if unknown."
    )
    async def upload_batch(self, info: Context, id: strawberry.ID) -> UploadBatch | None:
        try:
            found = await uploads.files(info.context, str(id))
        except NotFound:
            return None
        return UploadBatch(id=id, files=[UploadedFile.of(f) for f in found])


XPath = Annotated[str, strawberry.argument(description="file:content, files:files, ...")]
FileIndex = Annotated[int, strawberry.argument(name="fileIndex")]


@strawberry.type
class FilesMutation:
    @strawberry.mutation(name="createUploadBatch")
    async def create_upload_batch(self, info: Context) -> UploadBatch:
        batch_id = await uploads.create_batch(info.context)
        return UploadBatch(id=strawberry.ID(batch_id), files=[])

    @strawberry.mutation(name="dropUploadBatch")
    async def drop_upload_batch(self, info: Context, id: strawberry.ID) -> bool:
        await uploads.drop(info.context, str(id))
        return True

    @strawberry.mutation(
        name="attachBlob",
        description="Attach a batch's file to the document: set at xpath, or appended to a "
        "list property (files:files).",
    )
    async def attach_blob(
        self,
        info: Context,
        id: strawberry.ID,
        batch_id: Annotated[str, strawberry.argument(name="batchId")],
        file_index: FileIndex = 0,
        xpath: XPath = blobs.MAIN_BLOB,
    ) -> Document:
        ctx = info.context
        blob = await uploads.blob_of(ctx, batch_id, str(file_index))
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await files.attach(ctx, doc, [blob], xpath))

    @strawberry.mutation(
        name="uploadBlob",
        description="Attach files sent with this request (multipart) to the document.",
    )
    async def upload_blob(
        self,
        info: Context,
        id: strawberry.ID,
        file: Upload,
        xpath: XPath = blobs.MAIN_BLOB,
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await files.attach(ctx, doc, [_upload_value(file)], xpath))

    @strawberry.mutation(name="removeBlob", description="Clear the blob at xpath.")
    async def remove_blob(
        self, info: Context, id: strawberry.ID, xpath: XPath = blobs.MAIN_BLOB
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await files.remove(ctx, doc, xpath))


def register(registry: Registry) -> None:
    registry.add_graphql(query=FilesQuery, mutation=FilesMutation)
