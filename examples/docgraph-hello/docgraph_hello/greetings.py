"""``/api/v1/hello/{name}``: GET greets, POST also records the greeting.

The table comes from the plugin's own migration. A POST runs in the unit of
work the REST door opened for it: ``ctx.work.db`` is its transaction.
"""

from __future__ import annotations

from typing import Any

from docgraph.errors import BadRequest, NotFound
from docgraph.plugins import Call
from docgraph.resolvers.context import RequestContext

MAX_NAME = 100

_COUNT = "SELECT greeted FROM hello_greetings WHERE name = $1"
_RECORD = """
INSERT INTO hello_greetings (name, greeted, last_greeted) VALUES ($1, 1, now())
    ON CONFLICT (name) DO UPDATE
   SET greeted = hello_greetings.greeted + 1, last_greeted = now()
RETURNING greeted
"""


def greeting(name: str, greeted: int) -> dict[str, Any]:
    return {
        "entity-type": "greeting",
        "name": name,
        "message": f"Hello, {name}!",
        "greeted": greeted,
    }


async def times_greeted(ctx: RequestContext, name: str) -> int:
    return await ctx.db.fetchval(_COUNT, name) or 0


async def record(ctx: RequestContext, name: str) -> int:
    return await ctx.work.db.fetchval(_RECORD, name)


def check_name(args: tuple[str, ...]) -> str:
    if len(args) != 1:
        raise NotFound("Use /hello/{name}")
    name = args[0]
    if not name.strip() or len(name) > MAX_NAME or "\x00" in name:
        raise BadRequest(f"A name has 1 to {MAX_NAME} characters")
    return name


async def endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> dict[str, Any]:
    name = check_name(args)
    if call.method == "POST":
        return greeting(name, await record(ctx, name))
    return greeting(name, await times_greeted(ctx, name))
