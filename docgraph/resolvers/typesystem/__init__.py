"""Document types, schemas and facets, declared as data (``model``)."""
