"""The engine: async functions over plain domain objects, shared by both APIs."""
