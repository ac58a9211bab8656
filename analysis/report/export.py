"""Executed notebooks as self-contained HTML pages, in a process of their own.

``python -m analysis.report.export`` reads one path of an executed notebook per line on stdin,
writes the page beside it (``name.html``, :func:`notebook_html`) and answers one line per path on
stdout: ``ok`` or ``error: <what went wrong>``. The report starts it with its notebooks, so
nbconvert's import and the exports (about 0.3 s of CPU per notebook) run on the other core while
the report computes, not after it.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["main", "notebook_html"]

_EXPORTER = None


def notebook_html(path: Path) -> Path:
    """Write the executed notebook ``path`` as a page without scripts or anything loaded from
    elsewhere (:func:`analysis.report.html.self_contained_html`) beside it; return its path."""
    global _EXPORTER
    from .html import self_contained_html
    from .notebooks import _skip_iri_grammar

    _skip_iri_grammar()
    import nbformat

    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name="lab")
        _EXPORTER.exclude_input_prompt = True
        _EXPORTER.exclude_output_prompt = True
    body, _ = _EXPORTER.from_notebook_node(nbformat.read(str(path), as_version=4))
    target = path.with_suffix(".html")
    target.write_text(self_contained_html(body), encoding="utf-8")
    return target


def main() -> int:
    for line in sys.stdin:
        path = Path(line.rstrip("\n"))
        try:
            notebook_html(path)
            answer = "ok"
        except Exception as exc:  # one page that fails: said, and the next one goes on
            answer = " ".join(f"error: {exc.__class__.__name__}: {exc}".split())[:300]
        print(answer, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
