"""The small expression language of workflow models: transition conditions,
assignees and variable updates, evaluated over the instance's variables —
never Python's ``eval``.

    workflow.validationOrReview == "validation" and button == "validate"
    [workflow.participants[workflow.index]]
    workflow.index + 1 < len(workflow.participants)

Names: ``workflow.<var>`` and ``node.<var>`` (the current node's variables),
``button`` (the button the node's task ended with), ``initiator``. Values:
strings, integers, booleans, null and lists; ``+`` adds numbers and joins
strings or lists; ``x[i]`` indexes a list; ``len(x)`` and ``prefixed(list,
"user:")`` are the functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError

_GRAMMAR = r"""
?start: or_
?or_: and_ ("or" and_)*
?and_: not_ ("and" not_)*
?not_: "not" not_ -> negate
     | comparison
?comparison: sum (COMPARATOR sum)?
?sum: postfix (SIGN postfix)*
?postfix: atom ("[" or_ "]")*  -> index
?atom: ESCAPED_STRING          -> string
     | SIGNED_INT              -> integer
     | "true"                  -> true
     | "false"                 -> false
     | "null"                  -> null
     | NAME "(" [or_ ("," or_)*] ")" -> call
     | NAME ("." NAME)?        -> name
     | "[" [or_ ("," or_)*] "]" -> list_
     | "(" or_ ")"
COMPARATOR: "==" | "!=" | "<=" | ">=" | "<" | ">"
SIGN: "+" | "-"
%import common.ESCAPED_STRING
%import common.SIGNED_INT
%import common.CNAME -> NAME
%import common.WS
%ignore WS
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)
MAX_LENGTH = 2_000


class ExpressionError(ValueError):
    pass


@lru_cache(maxsize=512)
def parse(text: str) -> Tree[Token]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expression too long")
    try:
        return _PARSER.parse(text)
    except LarkError as exc:
        raise ExpressionError(f"bad expression {text[:80]!r}: {exc}") from None


def evaluate(text: str, scope: Mapping[str, Any]) -> Any:
    """The value of ``text`` with ``scope``'s names (``workflow`` and ``node``
    are mappings of variables, ``button`` and ``initiator`` strings)."""
    return _Evaluator(scope).run(parse(text))


class _Evaluator:
    def __init__(self, scope: Mapping[str, Any]) -> None:
        self.scope = scope

    def run(self, node: Tree[Token] | Token) -> Any:
        if isinstance(node, Token):
            raise ExpressionError(f"unexpected {node!r}")
        method = getattr(self, f"_{node.data}", None)
        if method is None:
            raise ExpressionError(f"unsupported {node.data}")
        return method(node.children)

    # -- literals and names -----------------------------------------------
    def _string(self, children: list[Any]) -> str:
        text = str(children[0])[1:-1]
        return text.replace('\\"', '"').replace("\\\\", "\\")

    def _integer(self, children: list[Any]) -> int:
        return int(children[0])

    def _true(self, children: list[Any]) -> bool:
        return True

    def _false(self, children: list[Any]) -> bool:
        return False

    def _null(self, children: list[Any]) -> None:
        return None

    def _name(self, children: list[Any]) -> Any:
        names = [str(c) for c in children]
        if names[0] not in self.scope:
            raise ExpressionError(f"unknown name {names[0]}")
        value = self.scope[names[0]]
        if len(names) == 2:
            if not isinstance(value, Mapping):
                raise ExpressionError(f"{names[0]} has no fields")
            return value.get(names[1])
        return value

    def _list_(self, children: list[Any]) -> list[Any]:
        return [self.run(c) for c in children if c is not None]

    # -- operators --------------------------------------------------------
    def _or_(self, children: list[Any]) -> bool:
        return any(_truth(self.run(c)) for c in children)

    def _and_(self, children: list[Any]) -> bool:
        return all(_truth(self.run(c)) for c in children)

    def _negate(self, children: list[Any]) -> bool:
        return not _truth(self.run(children[0]))

    def _comparison(self, children: list[Any]) -> bool:
        left, operator, right = self.run(children[0]), str(children[1]), self.run(children[2])
        if operator == "==":
            return bool(left == right)
        if operator == "!=":
            return bool(left != right)
        try:
            return {
                "<": lambda: left < right,
                "<=": lambda: left <= right,
                ">": lambda: left > right,
                ">=": lambda: left >= right,
            }[operator]()
        except TypeError:
            raise ExpressionError(f"cannot compare {left!r} and {right!r}") from None

    def _sum(self, children: list[Any]) -> Any:
        value = self.run(children[0])
        for sign, operand in zip(children[1::2], children[2::2], strict=True):
            other = self.run(operand)
            if str(sign) == "+":
                if isinstance(value, bool) or isinstance(other, bool):
                    raise ExpressionError("cannot add booleans")
                if type(value) is not type(other) or not isinstance(value, int | str | list):
                    raise ExpressionError(f"cannot add {value!r} and {other!r}")
                value = value + other
            elif isinstance(value, int) and isinstance(other, int):
                value = value - other
            else:
                raise ExpressionError(f"cannot subtract {other!r} from {value!r}")
        return value

    def _index(self, children: list[Any]) -> Any:
        value = self.run(children[0])
        for position in children[1:]:
            at = self.run(position)
            if not isinstance(value, list) or not isinstance(at, int) or isinstance(at, bool):
                raise ExpressionError("only lists are indexed, by integers")
            value = value[at] if -len(value) <= at < len(value) else None
        return value

    def _call(self, children: list[Any]) -> Any:
        name, args = str(children[0]), [self.run(c) for c in children[1:] if c is not None]
        if name == "len" and len(args) == 1 and isinstance(args[0], list | str):
            return len(args[0])
        if name == "len" and len(args) == 1 and args[0] is None:
            return 0
        if name == "prefixed" and len(args) == 2 and isinstance(args[1], str):
            items = args[0] if isinstance(args[0], list) else [] if args[0] is None else [args[0]]
            return [i if ":" in str(i) else f"{args[1]}{i}" for i in items]
        raise ExpressionError(f"unknown function {name}/{len(args)}")


def _truth(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ExpressionError(f"{value!r} is not true or false")
    return value
