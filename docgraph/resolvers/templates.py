"""Document templates (``Render.Document``): a subset of FreeMarker, the
language of Nuxeo's ``ftl`` templates, interpreted here — never code.

    <#list This as doc>${doc.title?html} (${doc["dc:creator"]!"nobody"})
    <#if doc.type == "Note">${doc.note.note}</#if></#list>

Supported: text; ``${expression}``; ``<#if>``, ``<#elseif>``, ``<#else>``;
``<#list items as item>`` (with ``item_index`` and ``item_has_next``);
``<#-- comments -->``. Expressions: strings, numbers, ``true``/``false``,
names, ``.field``, ``[key]``, ``!default``, ``??``, ``== != < <= > >=``
(``gt gte lt lte`` inside directives, where ``>`` would close them),
``&& || !``, ``+``, parentheses, and the built-ins ``?html ?upper_case
?lower_case ?cap_first ?trim ?size ?length ?string ?c ?has_content ?url``.
A document shows ``uid id name title path type state repository
versionLabel``, its properties by key (``doc["dc:title"]``) and its schemas
by name (``doc.dublincore.title``). Anything else in a template is a
:class:`TemplateError` naming it: a template is refused, never half-rendered.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError

from docgraph.errors import BadRequest
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

# What one rendering may write, how deep directives may nest, and how many
# nodes it may run (nested lists multiply: the steps are what is bounded).
MAX_OUTPUT = 8 * 1024 * 1024
MAX_NESTING = 32
MAX_STEPS = 200_000


class TemplateError(BadRequest):
    """A template that cannot be rendered: its syntax, or a value it lacks."""


_EXPRESSION = Lark(
    r"""
    ?start: or_
    ?or_: and_ ("||" and_)*
    ?and_: not_ ("&&" not_)*
    ?not_: "!" not_                    -> negate
         | comparison
    ?comparison: sum (COMPARATOR sum)?
    ?sum: postfix
        | sum "+" postfix              -> plus
    ?postfix: primary
            | postfix "." NAME         -> attribute
            | postfix "[" or_ "]"      -> item
            | postfix "?" NAME         -> builtin
            | postfix "??"             -> exists
            | postfix "!" primary      -> default
    ?primary: STRING                   -> string
            | NUMBER                   -> number
            | "true"                   -> true
            | "false"                  -> false
            | NAME                     -> name
            | "(" or_ ")"
    COMPARATOR: "==" | "!=" | "<=" | ">=" | "<" | ">" | "gte" | "lte" | "gt" | "lt"
    STRING: /"(\\.|[^"\\])*"/ | /'(\\.|[^'\\])*'/
    NUMBER: /\d+(\.\d+)?/
    NAME: /[A-Za-z_][A-Za-z0-9_]*/
    %ignore /\s+/
    """,
    parser="lalr",
)

# ${...}, <#directive ...>, </#directive>, <#-- comment -->.
_TAG = re.compile(
    r"\$\{(?P<expr>.*?)\}|<#--.*?-->|<(?P<close>/)?#(?P<name>\w+)(?P<rest>[^>]*)>", re.S
)
_LIST = re.compile(r"\s*(?P<items>.+?)\s+as\s+(?P<name>[A-Za-z_]\w*)\s*$", re.S)


@dataclass(slots=True)
class _Node:
    kind: str  # text, value, if, list
    text: str = ""
    expression: Tree[Token] | None = None
    name: str = ""
    # if: (condition or None for else, body) branches; list: the body.
    branches: list[tuple[Tree[Token] | None, list[_Node]]] = field(default_factory=list)
    body: list[_Node] = field(default_factory=list)


# Templates up to this size are kept parsed (by text), at most 128 of them.
_CACHED_TEMPLATE = 64 * 1024


def parse(template: str) -> list[_Node]:
    """The template's tree; a TemplateError when it is not in the subset."""
    return _parse_cached(template) if len(template) <= _CACHED_TEMPLATE else _parse(template)


@lru_cache(maxsize=128)
def _parse_cached(template: str) -> list[_Node]:
    return _parse(template)


def _parse(template: str) -> list[_Node]:
    root: list[_Node] = []
    stack: list[tuple[_Node | None, list[_Node]]] = [(None, root)]
    position = 0
    for match in _TAG.finditer(template):
        if match.start() > position:
            stack[-1][1].append(_Node("text", template[position : match.start()]))
        position = match.end()
        if match.group("expr") is not None:
            stack[-1][1].append(_Node("value", expression=_expression(match.group("expr"))))
            continue
        name = match.group("name")
        if name is None:
            continue  # a comment
        rest = match.group("rest")
        if match.group("close"):
            opened = stack[-1][0]
            if opened is None or opened.kind != name:
                raise TemplateError(f"</#{name}> closes nothing open")
            stack.pop()
        elif name == "if":
            node = _Node("if", branches=[(_expression(rest), [])])
            stack[-1][1].append(node)
            stack.append((node, node.branches[0][1]))
        elif name in ("elseif", "else"):
            opened = stack[-1][0]
            if opened is None or opened.kind != "if" or opened.branches[-1][0] is None:
                raise TemplateError(f"<#{name}> outside an <#if>")
            condition = _expression(rest) if name == "elseif" else None
            opened.branches.append((condition, []))
            stack[-1] = (opened, opened.branches[-1][1])
        elif name == "list":
            found = _LIST.match(rest)
            if found is None:
                raise TemplateError("<#list> is written <#list items as item>")
            node = _Node("list", expression=_expression(found["items"]), name=found["name"])
            stack[-1][1].append(node)
            stack.append((node, node.body))
        else:
            raise TemplateError(f"The directive <#{name}> is not supported")
        if len(stack) > MAX_NESTING:
            raise TemplateError(f"Directives nest at most {MAX_NESTING} deep")
    if len(stack) > 1:
        raise TemplateError(f"<#{stack[-1][0].kind}> is not closed")  # type: ignore[union-attr]
    if position < len(template):
        root.append(_Node("text", template[position:]))
    return root


def _expression(text: str) -> Tree[Token]:
    try:
        return _EXPRESSION.parse(text)
    except LarkError as exc:
        raise TemplateError(f"Cannot read the expression {text.strip()[:80]!r}") from exc


class DocumentView:
    """What a template sees of a document: a few attributes, its properties
    by key and its schemas by name."""

    def __init__(self, ctx: RequestContext, doc: Document) -> None:
        self._ctx = ctx
        self._doc = doc

    def attribute(self, name: str) -> Any:
        doc = self._doc
        simple = {
            "uid": doc.uid,
            "id": doc.uid,
            "name": doc.name,
            "title": doc.title,
            "path": doc.path,
            "type": doc.type,
            "state": doc.state,
            "repository": doc.repository,
            "versionLabel": f"{doc.major_version}.{doc.minor_version}",
        }
        if name in simple:
            return simple[name]
        schema = self._ctx.registry.types.schemas.get(name)
        if schema is None:
            raise KeyError(name)
        return {f: doc.properties.get(f"{schema.prefix}:{f}") for f in schema.fields}

    def item(self, key: str) -> Any:
        if key not in self._doc.properties:
            raise KeyError(key)
        return self._doc.properties[key]


_MISSING = object()


class _Renderer:
    def __init__(self, variables: dict[str, Any]) -> None:
        self.scopes = [variables]
        self.out: list[str] = []
        self.size = 0
        self.steps = 0

    def write(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_OUTPUT:
            raise TemplateError(f"The rendering is larger than {MAX_OUTPUT} characters")
        self.out.append(text)

    def run(self, nodes: Sequence[_Node]) -> None:
        for node in nodes:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise TemplateError(f"The template takes more than {MAX_STEPS} steps")
            if node.kind == "text":
                self.write(node.text)
            elif node.kind == "value":
                assert node.expression is not None
                self.write(_text(self.value(node.expression)))
            elif node.kind == "if":
                for condition, body in node.branches:
                    if condition is None or _truth(self.value(condition)):
                        self.run(body)
                        break
            else:
                assert node.expression is not None
                items = self.value(node.expression)
                if isinstance(items, str | Mapping) or not isinstance(items, Sequence):
                    raise TemplateError(f"<#list> needs a list, not {_kind(items)}")
                for index, item in enumerate(items):
                    self.scopes.append(
                        {
                            node.name: item,
                            f"{node.name}_index": index,
                            f"{node.name}_has_next": index + 1 < len(items),
                        }
                    )
                    try:
                        self.run(node.body)
                    finally:
                        self.scopes.pop()

    def value(self, tree: Tree[Token] | Token) -> Any:
        found = self._value(tree)
        if found is _MISSING:
            raise TemplateError(f"The template reads a missing value: {_source(tree)}")
        return found

    def _value(self, tree: Tree[Token] | Token) -> Any:
        if isinstance(tree, Token):
            raise TemplateError(f"Unexpected {tree!s}")
        kind, children = tree.data, tree.children
        if kind == "string":
            return _unquote(str(children[0]))
        if kind == "number":
            text = str(children[0])
            return float(text) if "." in text else int(text)
        if kind in ("true", "false"):
            return kind == "true"
        if kind == "name":
            name = str(children[0])
            for scope in reversed(self.scopes):
                if name in scope:
                    return scope[name]
            return _MISSING
        if kind == "attribute":
            return _member(self._value(children[0]), str(children[1]), attribute=True)
        if kind == "item":
            return _member(self._value(children[0]), self.value(children[1]), attribute=False)
        if kind == "exists":
            return self._value(children[0]) not in (_MISSING, None)
        if kind == "default":
            found = self._value(children[0])
            return self.value(children[1]) if found in (_MISSING, None) else found
        if kind == "builtin":
            return _builtin(self.value(children[0]), str(children[1]))
        if kind == "negate":
            return not _truth(self.value(children[0]))
        if kind == "and_":
            return all(_truth(self.value(c)) for c in children)
        if kind == "or_":
            return any(_truth(self.value(c)) for c in children)
        if kind == "plus":
            left, right = self.value(children[0]), self.value(children[1])
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right)):
                return left + right
            return _text(left) + _text(right)
        if kind == "comparison":
            left, op, right = self.value(children[0]), str(children[1]), self.value(children[2])
            return _compare(left, op, right)
        raise TemplateError(f"Unsupported expression: {kind}")


def _member(value: Any, key: Any, *, attribute: bool) -> Any:
    if value is _MISSING or value is None:
        return _MISSING
    try:
        if isinstance(value, DocumentView):
            return value.attribute(key) if attribute else value.item(str(key))
        if isinstance(value, Mapping):
            return value[key]
        if not attribute and isinstance(value, Sequence) and isinstance(key, int):
            return value[key]
    except (KeyError, IndexError):
        return _MISSING
    return _MISSING


def _builtin(value: Any, name: str) -> Any:
    text = _text(value) if name in _TEXT_BUILTINS else None
    match name:
        case "html":
            return html.escape(str(text))
        case "upper_case":
            return str(text).upper()
        case "lower_case":
            return str(text).lower()
        case "cap_first":
            return str(text)[:1].upper() + str(text)[1:]
        case "trim":
            return str(text).strip()
        case "url":
            return urllib.parse.quote(str(text), safe="")
        case "string" | "c":
            return text
        case "size" | "length":
            if isinstance(value, str | Sequence | Mapping):
                return len(value)
            raise TemplateError(f"?{name} needs a list or a text, not {_kind(value)}")
        case "has_content":
            return value not in (None, "", [], {})
    raise TemplateError(f"The built-in ?{name} is not supported")


_TEXT_BUILTINS = frozenset({"html", "upper_case", "lower_case", "cap_first", "trim", "url",
                            "string", "c"})  # fmt: skip


# FreeMarker's words for the comparisons a directive's closing > would cut.
_WORDS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _compare(left: Any, op: str, right: Any) -> bool:
    op = _WORDS.get(op, op)
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if not numbers and not (isinstance(left, str) and isinstance(right, str)):
        raise TemplateError(f"Cannot compare {_kind(left)} and {_kind(right)} with {op}")
    return bool({"<": left < right, "<=": left <= right, ">": left > right,
                 ">=": left >= right}[op])  # fmt: skip


def _truth(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TemplateError(f"A condition must be true or false, not {_kind(value)}")
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        raise TemplateError("The template writes a null value: give it a default with !")
    raise TemplateError(f"Cannot write {_kind(value)} as text")


def _kind(value: Any) -> str:
    if isinstance(value, DocumentView):
        return "a document"
    return {list: "a list", dict: "a map", str: "a text", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def _source(tree: Tree[Token] | Token) -> str:
    if isinstance(tree, Token):
        return str(tree)
    parts: Iterator[str] = (_source(c) for c in tree.children)
    return ".".join(parts)[:80]


def render(
    ctx: RequestContext, template: str, this: Document | Sequence[Document], current: Document
) -> str:
    """``template`` rendered with ``This`` (the input: a document or a list),
    ``Document`` (the document at hand) and ``CurrentUser``. Pure work on
    values in memory: callers run it off the event loop."""
    nodes = parse(template)
    view: Any = (
        DocumentView(ctx, this)
        if isinstance(this, Document)
        else [DocumentView(ctx, d) for d in this]
    )
    principal = ctx.principal
    renderer = _Renderer(
        {
            "This": view,
            "Document": DocumentView(ctx, current),
            "CurrentUser": {
                "name": principal.username,
                "isAdministrator": principal.is_administrator,
            },
        }
    )
    renderer.run(nodes)
    return "".join(renderer.out)
