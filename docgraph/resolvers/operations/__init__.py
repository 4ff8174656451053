"""Automation: operations as data (``model``), their inputs and parameters
(``decode``, ``coerce``), the executor (``execute``) and the standard
operations, one module per category."""
