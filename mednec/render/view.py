"""Page layout of the evidence view (Jinja2 template shipped with the package)."""

from __future__ import annotations

import html

from jinja2 import Environment, PackageLoader, select_autoescape

from mednec.models import CaseResult

_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV  # noqa: PLW0603 - one template environment per process, built lazily
    if _ENV is None:
        _ENV = Environment(loader=PackageLoader("mednec.render", "templates"),
                           autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return _ENV


def render_view(result: CaseResult, texts: dict[str, str], highlighted: dict[str, str]) -> str:
    """Fill the evidence-view template. ``highlighted`` holds already-escaped HTML per document."""
    from markupsafe import Markup

    docs = []
    for d in result.documents:
        body = highlighted.get(d.id)
        docs.append({"info": d, "html": Markup(body) if body is not None else Markup(html.escape(texts[d.id]))})
    return _env().get_template("case.html.j2").render(result=result, docs=docs)
