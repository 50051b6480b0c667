"""Vendor a release of Atlassian's published ADF schema and regenerate the spec table.

One command::

    python schema/update.py                 # the latest @atlaskit/adf-schema on npm
    python schema/update.py 57.8.0          # a given version
    python schema/update.py --tarball x.tgz # an already downloaded package

It fetches the package with ``npm pack`` (so npm's registry settings and integrity
checks apply), copies ``dist/json-schema/v1/full.json`` and the package licence into
``schema/``, records version, sha256 and licence in ``schema/SOURCE.json``, and runs
``schema/generate_spec.py``. When the new schema has a shape the generator does not
understand, the generator stops with the definition's name and nothing is half-written
into ``adfkit/``. Review the diff of ``adfkit/_spec_table.py``, then run the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@atlaskit/adf-schema"
MEMBER = "package/dist/json-schema/v1/full.json"
HERE = Path(__file__).resolve().parent


def fetch(version: str, workdir: Path) -> Path:
    """``npm pack`` the package into ``workdir``; return the tarball path."""
    spec = f"{PACKAGE}@{version}"
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(out.stdout)[0]
    return workdir / str(info["filename"])


def vendor(tarball: Path, schema_dir: Path) -> dict[str, str]:
    """Copy the schema and licence out of ``tarball``; write and return SOURCE.json."""
    with tarfile.open(tarball) as tar:
        manifest = json.loads(_read(tar, "package/package.json"))
        schema = _read(tar, MEMBER)
        licence = _read(tar, "package/LICENSE")
    if manifest.get("name") != PACKAGE:
        raise SystemExit(f"{tarball} is {manifest.get('name')!r}, not {PACKAGE}")
    json.loads(schema)  # refuse a corrupt file before it replaces a good one
    source = {
        "package": PACKAGE,
        "version": manifest["version"],
        "file": MEMBER.removeprefix("package/"),
        "sha256": hashlib.sha256(schema).hexdigest(),
        "licence": manifest.get("license", "see LICENSE"),
        "tarball": f"https://registry.npmjs.org/{PACKAGE}/-/adf-schema-{manifest['version']}.tgz",
        "integrity": manifest.get("_integrity", _integrity(tarball)),
    }
    (schema_dir / "full.json").write_bytes(schema)
    (schema_dir / "LICENSE").write_bytes(licence)
    (schema_dir / "SOURCE.json").write_text(json.dumps(source, indent=2) + "\n")
    return source


def _read(tar: tarfile.TarFile, member: str) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        raise SystemExit(f"{member} is missing from the package")
    return handle.read()


def _integrity(tarball: Path) -> str:
    import base64

    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", default="latest", help="npm version or tag")
    parser.add_argument("--tarball", type=Path, help="use this package file instead of npm")
    parser.add_argument("--schema-dir", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch(args.version, Path(tmp))
        source = vendor(tarball, args.schema_dir)
    print(f"vendored {source['package']} {source['version']} (sha256 {source['sha256'][:16]}...)")
    generator = args.schema_dir / "generate_spec.py"
    return subprocess.run([sys.executable, str(generator)], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
