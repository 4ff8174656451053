"""Refresh the GraphiQL assets docgraph serves itself (no CDN at run time).

Takes each package from the npm registry at the pinned version, checks the
tarball against the registry's published integrity hash, and copies the few
files the page needs, with the package's licence, into
``docgraph/gateway/static/graphiql/``. Nothing there is edited by hand: bump
a version below and run ``python scripts/vendor_graphiql.py``.

The versions are those strawberry's own GraphiQL page uses.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
TARGET = Path(__file__).resolve().parents[1] / "docgraph" / "gateway" / "static" / "graphiql"

# package, version, {file in the tarball: file name served}
PACKAGES = [
    ("react", "18.2.0", {"umd/react.production.min.js": "react.production.min.js"}),
    ("react-dom", "18.2.0", {"umd/react-dom.production.min.js": "react-dom.production.min.js"}),
    (
        "graphiql",
        "3.8.3",
        {"graphiql.min.js": "graphiql.min.js", "graphiql.min.css": "graphiql.min.css"},
    ),
    (
        "@graphiql/plugin-explorer",
        "1.0.2",
        {"dist/index.umd.js": "plugin-explorer.umd.js", "dist/style.css": "plugin-explorer.css"},
    ),
]
LICENCES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "license")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def verified_tarball(name: str, version: str) -> tarfile.TarFile:
    meta = json.loads(fetch(f"{REGISTRY}/{name}/{version}"))
    data = fetch(meta["dist"]["tarball"])
    algorithm, _, expected = meta["dist"]["integrity"].partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{name}@{version}: the tarball does not match its integrity hash")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def _same_repository(package: dict, repository: str) -> bool:
    url = package.get("repository") or {}
    url = url.get("url", "") if isinstance(url, dict) else url
    return repository in url


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, version, files in PACKAGES:
        print(f"{name}@{version}")
        with verified_tarball(name, version) as tar:
            members = {m.name.removeprefix("package/"): m for m in tar.getmembers() if m.isfile()}
            for source, served in files.items():
                extracted = tar.extractfile(members[source])
                assert extracted is not None
                (TARGET / served).write_bytes(extracted.read())
            package = json.loads(tar.extractfile(members["package.json"]).read())  # type: ignore[union-attr]
            licence = next((members[f] for f in LICENCES if f in members), None)
            slug = name.replace("@", "").replace("/", "-")
            if licence is not None:
                extracted = tar.extractfile(licence)
                assert extracted is not None
                (TARGET / f"LICENSE.{slug}").write_bytes(extracted.read())
            elif _same_repository(package, "graphql/graphiql") and package["license"] == "MIT":
                # Published from the GraphiQL repository without a copy of its
                # licence: the repository's (shipped by graphiql) covers it.
                (TARGET / f"LICENSE.{slug}").write_bytes((TARGET / "LICENSE.graphiql").read_bytes())
            else:
                raise SystemExit(f"{name}@{version} ships no licence file")
        manifest.append(
            {
                "package": name,
                "version": version,
                "license": package["license"],
                "files": sorted(files.values()),
            }
        )
    (TARGET / "VERSIONS.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
