"""The core and default-distribution types of a Nuxeo repository, as data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgraph.resolvers.typesystem.model import DocType, Facet, Schema

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_BLOB_FIELDS = "blob"

SCHEMAS = [
    Schema.declare("common", None, {"icon": "string", "icon-expanded": "string"}),
    Schema.declare(
        "dublincore",
        "dc",
        {
            "title": "string",
            "description": "string",
            "subjects": "string[]",
            "rights": "string",
            "source": "string",
            "coverage": "string",
            "created": "date",
            "modified": "date",
            "issued": "date",
            "valid": "date",
            "expired": "date",
            "format": "string",
            "language": "string",
            "creator": "string",
            "contributors": "string[]",
            "lastContributor": "string",
            "nature": "string",
            "publisher": "string",
        },
        # Nuxeo's directory resolvers: hierarchical values are parent/child.
        directories={"subjects": "l10nsubjects", "coverage": "l10ncoverage", "nature": "nature"},
    ),
    Schema.declare(
        "uid", None, {"uid": "string", "major_version": "long", "minor_version": "long"}
    ),
    Schema.declare("file", None, {"content": _BLOB_FIELDS}),
    Schema.declare("files", None, {"files": [{"file": _BLOB_FIELDS}]}),
    Schema.declare("note", None, {"note": "string", "mime_type": "string"}),
    Schema.declare("domain", None, {"display_type": "boolean", "content_roots": "string[]"}),
    # A search kept to be run again (resolvers/saved_searches.py).
    Schema.declare(
        "saved_search",
        "saved",
        {
            "query": "string",
            "queryLanguage": "string",
            "pageProviderName": "string",
            "queryParams": "string",
            "params": "string",
            "pageSize": "long",
            "currentPageIndex": "long",
            "maxResults": "long",
            "sortBy": "string",
            "sortOrder": "string",
            "contentViewData": "string",
        },
    ),
    # A collection's members, in their order (the documents stay where they are).
    Schema.declare("collection", None, {"documentIds": "string[]"}),
    Schema.declare(
        "comment",
        "comment",
        {
            "author": "string",
            "text": "string",
            "creationDate": "date",
            "modificationDate": "date",
            "parentId": "string",
            "ancestorIds": "string[]",
        },
    ),
    Schema.declare("annotation", "annotation", {"xpath": "string"}),
    Schema.declare(
        "externalEntity",
        "externalEntity",
        {"entityId": "string", "origin": "string", "entity": "string"},
    ),
    Schema.declare(
        "relatedtext",
        None,
        {"relatedtextresources": [{"relatedtextid": "string", "relatedtext": "string"}]},
    ),
    Schema.declare("publishing", "publish", {"sections": "string[]"}),
    Schema.declare(
        "webcontainer",
        "webc",
        {
            "isWebContainer": "boolean",
            "name": "string",
            "url": "string",
            "template": "string",
            "theme": "string",
            "themePage": "string",
            "themePerspective": "string",
            "email": "string",
            "welcomeText": "string",
            "baseline": "string",
            "welcomeMedia": _BLOB_FIELDS,
            "logo": _BLOB_FIELDS,
            "useCaptcha": "boolean",
            "moderationType": "string",
        },
    ),
    Schema.declare("facetedTag", "nxtag", {"tags": [{"label": "string", "username": "string"}]}),
    Schema.declare(
        "picture",
        None,
        {
            "views": [
                {
                    "title": "string",
                    "description": "string",
                    "tag": "string",
                    "width": "long",
                    "height": "long",
                    "filename": "string",
                    "content": _BLOB_FIELDS,
                    "info": {
                        "width": "long",
                        "height": "long",
                        "depth": "long",
                        "format": "string",
                        "colorSpace": "string",
                    },
                }
            ],
            **{
                name: "string"
                for name in (
                    "headline",
                    "subheadline",
                    "byline",
                    "dateline",
                    "slugline",
                    "credit",
                    "language",
                    "source",
                    "origin",
                    "genre",
                    "caption",
                    "typage",
                    "cropCoords",
                )
            },
        },
    ),
    Schema.declare(
        "image_metadata",
        "imd",
        {
            "image_description": "string",
            "user_comment": "string",
            "equipment": "string",
            "date_time_original": "date",
            "xresolution": "long",
            "yresolution": "long",
            "pixel_xdimension": "long",
            "pixel_ydimension": "long",
            "copyright": "string",
            "exposure_time": "double",
            "iso_speed_ratings": "long",
            "focal_length": "double",
            "color_space": "string",
            "white_balance": "string",
            "icc_profile": "string",
            "orientation": "string",
            "fnumber": "double",
        },
    ),
]

FACETS = [
    Facet("Folderish"),
    Facet("Orderable"),
    Facet("Versionable"),
    Facet("Downloadable"),
    Facet("Publishable"),
    Facet("PublishSpace"),
    Facet("MasterPublishSpace"),
    Facet("Commentable"),
    Facet("SuperSpace"),
    Facet("HiddenInNavigation"),
    Facet("HiddenInCreation"),
    Facet("NotCollectionMember"),
    Facet("SystemDocument"),
    Facet("Immutable"),
    Facet("HasRelatedText", ("relatedtext",)),
    Facet("NXTag", ("facetedTag",)),
    Facet("Picture", ("file", "picture", "image_metadata")),
    Facet("Collection", ("collection",)),
]

_FOLDER_CONTENT = ("Collection", "Folder", "OrderedFolder", "File", "Note", "Picture")
_DOCUMENT_FACETS = ("Versionable", "Publishable", "Commentable", "HasRelatedText", "NXTag")

TYPES = [
    DocType("Document", extends=None, lifecycle=None),
    DocType(
        "Folder",
        schemas=("common", "dublincore"),
        facets=("Folderish", "NXTag"),
        subtypes=_FOLDER_CONTENT,
    ),
    DocType("OrderedFolder", extends="Folder", facets=("Orderable",), subtypes=_FOLDER_CONTENT),
    DocType("HiddenFolder", extends="Folder", facets=("HiddenInNavigation",), subtypes=()),
    DocType("Root", extends="Folder", facets=("NotCollectionMember",), subtypes=("Domain",)),
    DocType(
        "Domain",
        extends="Folder",
        schemas=("domain",),
        facets=("SuperSpace", "NotCollectionMember"),
        subtypes=("WorkspaceRoot", "SectionRoot", "TemplateRoot"),
    ),
    DocType(
        "WorkspaceRoot",
        extends="Folder",
        facets=("SuperSpace", "HiddenInCreation", "NotCollectionMember"),
        subtypes=("Workspace",),
    ),
    DocType(
        "Workspace",
        extends="Folder",
        schemas=("file", "webcontainer", "publishing", "files"),
        facets=("SuperSpace",),
        subtypes=("Workspace", *_FOLDER_CONTENT),
    ),
    DocType(
        "SectionRoot",
        extends="Folder",
        facets=("SuperSpace", "HiddenInCreation", "MasterPublishSpace", "NotCollectionMember"),
        subtypes=("Section",),
    ),
    DocType(
        "Section",
        extends="Folder",
        schemas=("file",),
        facets=("SuperSpace", "PublishSpace"),
        subtypes=("Section",),
    ),
    DocType(
        "TemplateRoot",
        extends="Folder",
        facets=("SuperSpace", "HiddenInCreation", "NotCollectionMember"),
        subtypes=("Workspace",),
    ),
    DocType(
        "File",
        schemas=("common", "file", "dublincore", "uid", "files"),
        facets=("Downloadable", *_DOCUMENT_FACETS),
    ),
    DocType(
        "Note", schemas=("common", "note", "uid", "files", "dublincore"), facets=_DOCUMENT_FACETS
    ),
    DocType(
        "Picture", schemas=("common", "uid", "dublincore"), facets=("Picture", *_DOCUMENT_FACETS)
    ),
    # Collections gather documents without moving them; Favorites is each
    # user's own, in their personal workspace (resolvers/collections.py).
    DocType(
        "Collection",
        schemas=("uid", "dublincore", "common"),
        facets=("Versionable", "Collection", "NotCollectionMember", "NXTag"),
    ),
    DocType("Favorites", extends="Collection", facets=("HiddenInNavigation",)),
    DocType(
        "Collections",
        extends="Folder",
        facets=("NotCollectionMember", "HiddenInNavigation"),
        subtypes=("Collection",),
    ),
    DocType("SavedSearch", schemas=("common", "dublincore", "saved_search")),
    # Personal workspaces: /default-domain/UserWorkspaces/<user> (resolvers/userworkspaces.py).
    DocType(
        "UserWorkspacesRoot",
        extends="Folder",
        facets=("SuperSpace", "HiddenInCreation", "HiddenInNavigation", "NotCollectionMember"),
        subtypes=("Workspace",),
    ),
    # Comments (and replies) are children of what they comment, hidden from
    # listings; an external comment (one mirrored from another system) fills
    # externalEntity.
    DocType(
        "Comment",
        schemas=("comment", "common", "dublincore", "externalEntity"),
        facets=("HiddenInNavigation",),
        lifecycle="comment_moderation",
    ),
    DocType(
        "Annotation",
        extends="Comment",
        schemas=("annotation",),
        lifecycle="comment_moderation",
    ),
]


def register(registry: Registry) -> None:
    registry.add_schemas(SCHEMAS)
    registry.add_facets(FACETS)
    registry.add_types(TYPES)
