"""Refresh ``pwa/vendor/`` from the npm registry (``make vendor``): the ESM builds of the pinned
libraries, each with its LICENSE and a VERSION file naming the tarball and its integrity hash.
Swagger UI, for the API reference at ``/schema``, goes to ``backend/api/docs/vendor/`` the same
way: outside the app shell, which would otherwise precache its 1.9 MB.

Bump a version here, run ``make vendor``, review the diff, commit.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "pwa" / "vendor"
DOCS_VENDOR = ROOT / "backend" / "api" / "docs" / "vendor"

# package -> (version, {file in the npm tarball: file under pwa/vendor/<package>/})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "preact": ("11.2.0", {"dist/preact.mjs": "preact.js", "hooks/dist/hooks.mjs": "hooks.js"}),
    "htm": ("3.1.1", {"dist/htm.mjs": "htm.js"}),
    "idb": ("8.0.4", {"build/index.js": "idb.js"}),
    "uplot": ("1.6.32", {"dist/uPlot.iife.min.js": "uPlot.js", "dist/uPlot.min.css": "uPlot.css"}),
}
# Minified builds that exist only as a script defining one global: appending `export default`
# makes them ES modules. uPlot's ESM build is unminified (42 KB gzipped against 22 KB), which
# the app shell's 150 KB first-visit budget cannot afford.
DEFAULT_EXPORTS = {"dist/uPlot.iife.min.js": "uPlot"}
# The bundle keeps its dependencies' licences in a side file; Apache-2.0 asks for NOTICE too.
DOCS_PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "swagger-ui-dist": (
        "5.35.0",
        {
            "swagger-ui-bundle.js": "swagger-ui-bundle.js",
            "swagger-ui.css": "swagger-ui.css",
            "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
            "NOTICE": "NOTICE",
        },
    ),
}


def _strip_source_map(text: str) -> str:
    # The maps are not vendored; a dangling reference only makes devtools ask for a 404.
    # Split on newlines only: minified bundles hold U+2028 and U+0085 inside string literals.
    lines = [
        line
        for line in text.rstrip("\n").split("\n")
        if not line.startswith(("//# sourceMappingURL=", "/*# sourceMappingURL="))
    ]
    return "\n".join(lines) + "\n"


def fetch(name: str, version: str, files: dict[str, str], work: Path, root: Path) -> None:
    packed = subprocess.run(  # noqa: S603 (fixed arguments from PACKAGES)
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(work)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(packed.stdout)[0]
    target = root / name
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(work / info["filename"]) as tar:
        for member, out in {**files, "LICENSE": "LICENSE"}.items():
            extracted = tar.extractfile(f"package/{member}")
            if extracted is None:
                raise SystemExit(f"{name}@{version} has no {member}")
            text = extracted.read().decode()
            if out.endswith(".js") or (out.endswith(".css") and "sourceMappingURL=" in text):
                text = _strip_source_map(text)
            if member in DEFAULT_EXPORTS:
                text += f"export default {DEFAULT_EXPORTS[member]};\n"
            (target / out).write_text(text)
    (target / "VERSION").write_text(
        f"{name} {version}\nsource: https://registry.npmjs.org/{name}/-/{info['filename']}\n"
        f"integrity: {info['integrity']}\nfiles: "
        + ", ".join(
            f"{src} -> {dst}" + (" (+ export default)" if src in DEFAULT_EXPORTS else "")
            for src, dst in files.items()
        )
        + "\n"
    )
    print(f"vendored {name} {version}")


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        for name, (version, files) in PACKAGES.items():
            fetch(name, version, files, Path(work), VENDOR)
        for name, (version, files) in DOCS_PACKAGES.items():
            fetch(name, version, files, Path(work), DOCS_VENDOR)


if __name__ == "__main__":
    main()
