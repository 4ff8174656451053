"""Automation: the operation registry, its executor and the standard operations."""

from docgraph.resolvers.operations.registry import (
    Operation,
    OperationCall,
    OperationRegistry,
    Param,
    decode_input,
    execute,
    require,
)

__all__ = [
    "Operation",
    "OperationCall",
    "OperationRegistry",
    "Param",
    "decode_input",
    "execute",
    "require",
]
