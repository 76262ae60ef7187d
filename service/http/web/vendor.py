"""The browser libraries the pages use, served by the service itself from node_modules/: never from
a CDN, so the pages' CSP keeps scripts and styles to 'self' and an office without internet access
still sees its diagrams.

`make` installs node_modules/ with `npm ci` from package-lock.json; the Dockerfile copies the same
files into the image. Only the files listed here are served, under names that do not change with
the library's own layout.
"""

from __future__ import annotations

from flask import abort, send_from_directory
from werkzeug.wrappers import Response

from service.config import REPO_ROOT
from service.http.web import bp

NODE_MODULES = REPO_ROOT / "node_modules"
# name in the URL -> file under node_modules/
VENDOR_FILES = {
    # the viewer with zoom and pan (bpmn-js's NavigatedViewer): the case and version pages
    "bpmn-js/bpmn-navigated-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "bpmn-js/diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
    "bpmn-js/bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    # the administrators' modeller (bpmn-js's Modeler) and the icon font of its palette; the font
    # files keep their place beside the stylesheet, which names them by relative URL
    "bpmn-js/bpmn-modeler.js": "bpmn-js/dist/bpmn-modeler.production.min.js",
    "bpmn-js/bpmn-font/css/bpmn.css": "bpmn-js/dist/assets/bpmn-font/css/bpmn.css",
    **{f"bpmn-js/bpmn-font/font/bpmn.{ext}": f"bpmn-js/dist/assets/bpmn-font/font/bpmn.{ext}"
       for ext in ("woff2", "woff", "ttf", "eot", "svg")},
    # Camunda's moddle descriptor: the modeller reads and writes camunda:candidateGroups,
    # camunda:properties and camunda:formData as typed elements (workflows/parsing.py reads them)
    "camunda-bpmn-moddle/camunda.json": "camunda-bpmn-moddle/resources/camunda.json",
}


@bp.get("/vendor/<path:name>")
def vendor_file(name: str) -> Response:
    path = VENDOR_FILES.get(name)
    if path is None:
        abort(404)
    # Revalidated on every load (ETag): the files change when the lock moves to a new version.
    return send_from_directory(NODE_MODULES, path, max_age=0)
