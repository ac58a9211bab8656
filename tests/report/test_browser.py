"""What a person sees: JupyterLab renders a committed notebook with its outputs, and the report page
shows hostile text as text. Uses Debian's headless Chromium; skipped where it is not installed
(.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")


def dump_dom(url: str, profile: Path, budget_ms: int = 30000) -> str:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={budget_ms}",
        "--dump-dom",
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = free_port(), "browser-test-token"
    home = tmp_path_factory.mktemp("jupyter")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"http://127.0.0.1:{port}", token
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_jupyterlab_renders_the_corpus_notebook_with_its_outputs(lab, tmp_path):
    base, token = lab
    dom = dump_dom(f"{base}/lab/tree/01_corpus.ipynb?token={token}", tmp_path / "profile")
    assert "jp-Notebook" in dom
    assert dom.count("jp-OutputArea-output") >= 5  # the stored outputs are shown, not re-run
    assert "stamer-wer-nicht-twittert" in dom  # a document row of the key table
    assert "data:image/png" in dom or "<img" in dom  # the structure figure


def test_report_page_shows_script_markup_as_text(tmp_path):
    corpus = tmp_path / "texts"
    corpus.mkdir()
    payload = "<script>document.body.setAttribute('data-pwned','yes');document.title='pwned'</script>"
    (corpus / "boese.txt").write_text(
        f"{payload} Überschrift\n\nDer Vorstand twittert persönlich, und das Unternehmen führt endlich einen Dialog "
        "mit seinen Kunden statt nur Marketing zu machen. Märkte sind Gespräche.",
        encoding="utf-8",
    )
    (corpus / f"{payload[:8]}name.txt").write_text(
        "Ein zweiter Text über Dialog und Marketing im Netz.", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--no-notebooks", "--corpus", str(corpus), "--out", str(out)]) == 0
    dom = dump_dom((out / "index.html").as_uri(), tmp_path / "profile", budget_ms=3000)
    assert "<title>German discourse analysis" in dom and "pwned</title>" not in dom
    assert 'data-pwned="yes"' not in dom
    assert "&lt;script&gt;document.body.setAttribute" in dom  # shown to the reader as text


def test_notebook_export_runs_no_code_and_loads_nothing(tmp_path):
    """Issue 19: the notebook HTML exports loaded require.js, MathJax and mermaid from public CDNs and
    had no Content-Security-Policy, so HTML in a notebook output (web text shown by a notebook) ran."""
    import nbformat
    from nbconvert import HTMLExporter

    from analysis.report.html import self_contained_html

    nb = nbformat.v4.new_notebook()
    hostile = "<img src='x' onerror=\"document.body.setAttribute('data-pwned','yes')\">"
    nb.cells = [nbformat.v4.new_markdown_cell("# Ergebnis"), nbformat.v4.new_code_cell("show(text)")]
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", {"text/html": f"<p>Absatz aus dem Web {hostile}</p>"}),
    ]
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    page = tmp_path / "01_corpus.html"
    page.write_text(self_contained_html(body), encoding="utf-8")
    dom = dump_dom(page.as_uri(), tmp_path / "profile", budget_ms=3000)
    assert "Absatz aus dem Web" in dom and "Ergebnis" in dom
    assert 'data-pwned="yes"' not in dom
    assert "cdnjs" not in dom.split("<style")[0]  # no script or link to a CDN in the rendered page
