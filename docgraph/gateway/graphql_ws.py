"""GraphQL over WebSocket, the ``graphql-transport-ws`` protocol.

The socket is authenticated like any request (its upgrade goes through the
authentication middleware). Each operation runs on its own request context:
a subscription holds no database connection between two changes. Limits: the
pipeline's, a maximum of operations at once per socket, the JSON body size
per message, and the request time limit per query or mutation.

Close codes are the protocol's: 4400 malformed message, 4401 subscribe before
``connection_init``, 4408 no ``connection_init`` in time, 4409 an id already
running, 4429 a second ``connection_init``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
from aiohttp import WSMsgType, web
from graphql import ExecutionResult, GraphQLError

from docgraph.errors import DocGraphError
from docgraph.gateway import keys
from docgraph.gateway.context import build_ctx
from docgraph.schema.pipeline import Pipeline

log = logging.getLogger(__name__)

PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT = 5.0


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        self.code, self.reason = code, reason


class Session:
    def __init__(self, request: web.Request, ws: web.WebSocketResponse, pipeline: Pipeline):
        self.request = request
        self.ws = ws
        self.pipeline = pipeline
        settings = request.app[keys.SETTINGS]
        self.max_operations = settings.graphql_max_socket_operations
        self.timeout = settings.request_timeout
        self.acknowledged = False
        self.operations: dict[str, asyncio.Task[None]] = {}

    async def run(self) -> None:
        try:
            async with asyncio.timeout(INIT_TIMEOUT):
                await self._receive_one()
            if not self.acknowledged:
                raise _Close(4408, "Connection initialisation timeout")
            while not self.ws.closed:
                await self._receive_one()
        except TimeoutError:
            await self.ws.close(code=4408, message=b"Connection initialisation timeout")
        except _Close as close:
            await self.ws.close(code=close.code, message=close.reason.encode())
        finally:
            for task in self.operations.values():
                task.cancel()
            await asyncio.gather(*self.operations.values(), return_exceptions=True)

    async def _receive_one(self) -> None:
        message = await self.ws.receive()
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            return
        if message.type is WSMsgType.ERROR:
            raise _Close(4400, "Malformed message")
        if message.type is not WSMsgType.TEXT:
            raise _Close(4400, "Messages are JSON text")
        try:
            data = orjson.loads(message.data)
        except orjson.JSONDecodeError:
            raise _Close(4400, "Messages are JSON text") from None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise _Close(4400, "A message is an object with a type")
        await self._handle(data)

    async def _handle(self, data: dict[str, Any]) -> None:
        kind = data["type"]
        if kind == "connection_init":
            if self.acknowledged:
                raise _Close(4429, "Too many initialisation requests")
            self.acknowledged = True
            await self._send({"type": "connection_ack"})
        elif kind == "ping":
            await self._send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            self._subscribe(data)
        elif kind == "complete":
            task = self.operations.pop(str(data.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            raise _Close(4400, f"Unknown message type: {kind[:40]}")

    def _subscribe(self, data: dict[str, Any]) -> None:
        if not self.acknowledged:
            raise _Close(4401, "Unauthorized")
        op_id, payload = data.get("id"), data.get("payload")
        if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
            raise _Close(4400, "subscribe needs an id and a payload")
        if op_id in self.operations:
            raise _Close(4409, f"Subscriber for {op_id[:40]} already exists")
        query, variables = payload.get("query"), payload.get("variables")
        operation_name, extensions = payload.get("operationName"), payload.get("extensions")
        if (
            (query is not None and not isinstance(query, str))
            or (variables is not None and not isinstance(variables, dict))
            or (operation_name is not None and not isinstance(operation_name, str))
            or (extensions is not None and not isinstance(extensions, dict))
        ):
            raise _Close(4400, "Malformed subscribe payload")
        if len(self.operations) >= self.max_operations:
            error = GraphQLError(
                f"At most {self.max_operations} operations run at once on one socket",
                extensions={"code": "too_many_operations"},
            )
            self.operations[op_id] = asyncio.create_task(self._refuse(op_id, error))
            return
        self.operations[op_id] = asyncio.create_task(
            self._operate(op_id, query, variables, operation_name, extensions)
        )

    async def _refuse(self, op_id: str, error: GraphQLError) -> None:
        try:
            await self._send({"type": "error", "id": op_id, "payload": [error.formatted]})
        finally:
            self.operations.pop(op_id, None)

    async def _operate(
        self,
        op_id: str,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        extensions: dict[str, Any] | None,
    ) -> None:
        ctx = build_ctx(self.request, rendering=False)
        try:
            try:
                # A query or mutation runs here; a subscription only starts.
                async with asyncio.timeout(self.timeout):
                    outcome = await self.pipeline.subscribe(
                        ctx, query, variables, operation_name, extensions
                    )
            except TimeoutError:
                error = GraphQLError(
                    f"The operation took longer than {self.timeout:g} s",
                    extensions={"code": "unavailable"},
                )
                outcome = ExecutionResult(None, [error])
            except DocGraphError as exc:  # outside any field (no connection)
                outcome = ExecutionResult(
                    None, [GraphQLError(exc.message, extensions={"code": exc.code})]
                )
            if isinstance(outcome, ExecutionResult):
                if outcome.data is None and not any(e.path for e in outcome.errors or ()):
                    # Refused before running: the protocol's error message.
                    errors = [e.formatted for e in outcome.errors or ()]
                    await self._send({"type": "error", "id": op_id, "payload": errors})
                    return
                await self._send({"type": "next", "id": op_id, "payload": outcome.formatted})
            else:
                async with contextlib.aclosing(outcome) as results:
                    async for result in results:
                        message = {"type": "next", "id": op_id, "payload": result.formatted}
                        await self._send(message)
            await self._send({"type": "complete", "id": op_id})
        except ConnectionResetError:
            pass
        finally:
            self.operations.pop(op_id, None)
            await ctx.close()

    async def _send(self, message: dict[str, Any]) -> None:
        if not self.ws.closed:
            await self.ws.send_bytes(orjson.dumps(message))


async def serve(request: web.Request, pipeline: Pipeline) -> web.WebSocketResponse:
    # A socket lives past the request time limit; its operations keep their own.
    request.app[keys.DEADLINES].leave(asyncio.current_task())  # type: ignore[arg-type]
    ws = web.WebSocketResponse(
        protocols=(PROTOCOL,),
        heartbeat=30.0,
        max_msg_size=request.app[keys.SETTINGS].max_json_body,
    )
    await ws.prepare(request)
    if ws.ws_protocol != PROTOCOL:
        await ws.close(code=4406, message=b"Subprotocol not acceptable")
        return ws
    await Session(request, ws, pipeline).run()
    return ws
