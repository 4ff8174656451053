"""``python -m docgraph.schema`` rewrites the committed SDL (schema.graphql)."""

from pathlib import Path

from docgraph.schema import build_schema

SDL = Path(__file__).with_name("schema.graphql")

if __name__ == "__main__":
    SDL.write_text(build_schema().as_str() + "\n")
    print(f"wrote {SDL.name}")
