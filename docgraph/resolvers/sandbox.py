"""Running a parser of untrusted files in a child process, with limits.

PDF, image and layout libraries parse whatever a user uploads. A crafted
file can make them loop or allocate without end, and a thread cannot be
stopped; a process can. :func:`sandboxed` runs a module-level function in a
fresh ``python -m docgraph.resolvers.sandbox`` with a memory and CPU limit,
and kills it past a time limit. Arguments and results travel pickled over
the child's pipes (both ends are docgraph's own code).
"""

from __future__ import annotations

import asyncio
import importlib
import pickle
import resource
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from docgraph.errors import BadRequest, DocGraphError

T = TypeVar("T")
TIME_LIMIT = 120.0
MEMORY_LIMIT = 2 * 1024**3
CPU_SECONDS = 100


async def sandboxed(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` in a child process; its docgraph errors are raised
    here, anything else (a crash, a limit hit) is a 400."""
    payload = pickle.dumps((func.__module__, func.__qualname__, args))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "docgraph.resolvers.sandbox",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with asyncio.timeout(TIME_LIMIT):
            out, _ = await child.communicate(payload)
    except TimeoutError:
        await _stop(child)
        raise BadRequest(f"The file took more than {TIME_LIMIT:g} s to process") from None
    except BaseException:
        await _stop(child)
        raise
    if child.returncode != 0 or not out:
        raise BadRequest("The file could not be processed (it broke the parser's limits)")
    ok, value = pickle.loads(out)
    if not ok:
        raise value
    result: T = value
    return result


async def _stop(child: asyncio.subprocess.Process) -> None:
    if child.returncode is None:
        child.kill()
        await asyncio.shield(child.wait())


def _main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    module, qualname, args = pickle.loads(sys.stdin.buffer.read())
    func: Any = importlib.import_module(module)
    for part in qualname.split("."):
        func = getattr(func, part)
    try:
        answer: tuple[bool, Any] = (True, func(*args))
    except DocGraphError as exc:
        answer = (False, exc)
    except MemoryError:
        sys.exit(3)
    except Exception as exc:  # a parser's own error on a bad file
        answer = (False, BadRequest(f"The file could not be processed: {type(exc).__name__}"))
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":
    _main()
