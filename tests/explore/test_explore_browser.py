"""Issue 17 in headless Chromium: the exploration page is driven like a person would — type a word
into the KWIC box and press Enter, choose two groups and compare, click a term — and the results are
read from the DOM. Hostile text (``<script>``, ``</script>``, ``onerror=``, ``javascript:``) in the
texts and the metadata stays inert. Chromium is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: no port, no extra package). Skipped where Chromium is not installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import unicodedata

import pytest

from analysis import annotate, load_corpus
from analysis.explore import keyness_groups, write_explore

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")

PWN = "document.body.setAttribute('data-pwned','yes')"
HOSTILE = f'<script>{PWN}</script> <img src=x onerror="{PWN}"> <a href="javascript:{PWN}">klick</a>'


class Browser:
    """A minimal DevTools-protocol client over Chromium's debugging pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile):
        r_in, self._w = os.pipe()
        self._r, w_out = os.pipe()

        def child():
            os.dup2(r_in, 3)
            os.dup2(w_out, 4)

        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=child,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(r_in)
        os.close(w_out)
        self._buf, self._id, self.session = b"", 0, None
        self.events: list[dict] = []  # console messages, exceptions, CSP violations (Log.entryAdded)

    def send(self, method, params=None, *, session=True, timeout=60.0):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("method") in ("Log.entryAdded", "Runtime.exceptionThrown", "Runtime.consoleAPICalled"):
                    self.events.append(reply["params"])
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self._buf += chunk
        raise TimeoutError(method)

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)[
            "sessionId"
        ]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Log.enable")
        self.send("Page.navigate", {"url": url})

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def wait(self, expression: str, timeout: float = 30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                value = self.js(expression)
            except RuntimeError as exc:  # the page is still being replaced (navigation): ask again
                if "pipe" in str(exc):
                    raise
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(expression)

    def click(self, selector: str) -> None:
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1}
            )

    def type(self, selector: str, text: str) -> None:
        self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", {"text": text})

    def enter(self) -> None:
        self.send(
            "Input.dispatchKeyEvent",
            {"type": "keyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"},
        )
        self.send(
            "Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        )

    def text(self, selector: str) -> str:
        return self.js(f"document.querySelector({json.dumps(selector)}).textContent")

    def all_text(self, selector: str) -> list[str]:
        return self.js(f"Array.from(document.querySelectorAll({json.dumps(selector)})).map(e => e.textContent)")

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False, timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._w)
        os.close(self._r)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("explore")
    texts = root / "texts"
    texts.mkdir()
    (texts / "dialog.txt").write_text(
        "Dialog statt Marketing\n\n"
        "Wir wollen den Dialog mit den Kunden. Der Dialog beginnt mit Zuhören. Ein echter Dialog braucht Zeit.\n\n"
        f"Dialog {HOSTILE} Dialog. Zuhören ist der Anfang vom Dialog.",
        encoding="utf-8",
    )
    (texts / "werbung.txt").write_text(
        "Marketing wirkt\n\n"
        "Das Marketing plant eine Marketingkampagne. Online-Marketing und Content-Marketing verkaufen Produkte.\n\n"
        "Die Kampagne verkauft Produkte. Das Marketing misst Klicks und Klicks und Reichweite.",
        encoding="utf-8",
    )
    (texts / "mix.txt").write_text(
        "Beides\n\nMarketing braucht Dialog. Der Dialog mit Kunden verkauft Produkte. Das Marketing hört zu.",
        encoding="utf-8",
    )
    hostile_genre = "<img src=x onerror=\"document.body.setAttribute('data-pwned','genre')\">"
    (root / "metadata.csv").write_text(
        "file,genre\n"
        "dialog.txt,dialogue\n"
        'werbung.txt,"' + hostile_genre.replace('"', '""') + '"\n'
        'mix.txt,"' + hostile_genre.replace('"', '""') + '"\n',
        encoding="utf-8",
    )
    corpus = load_corpus(texts, metadata=root / "metadata.csv", quiet=True)
    tokens = annotate(corpus, cache=False)
    out = root / "out"
    write_explore(out, corpus, tokens)
    browser = Browser(root / "profile")
    yield {"out": out, "corpus": corpus, "tokens": tokens, "browser": browser, "genre": hostile_genre}
    browser.close()


def _open(site, fragment: str = "") -> Browser:
    b = site["browser"]
    b.open((site["out"] / "explore.html").as_uri() + fragment)
    b.wait("document.body && document.body.dataset.ready === 'yes'")
    return b


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if c.isalnum())


def _inert(b: Browser) -> None:
    assert b.js("document.body.getAttribute('data-pwned')") is None
    assert b.js("document.querySelectorAll('main img, main a[href^=\"javascript\"]').length") == 0


def test_typing_a_word_shows_its_contexts_with_compounds_and_sorts_by_left_context(site):
    b = _open(site)
    b.click("#tabs button[data-view=kwic]")
    b.wait("document.getElementById('view-kwic').classList.contains('active')")
    b.type("#kwic-q", "Marketing")
    b.enter()
    status = b.wait("document.getElementById('kwic-status').textContent")
    keywords = b.all_text("#kwic-table td.kw")
    assert status.startswith(f"{len(keywords)} lines shown")
    assert {"Marketing", "Online-Marketing", "Content-Marketing", "Marketingkampagne"} <= set(keywords)
    header = "#kwic-table thead th:nth-child(2)"  # the left context column
    for attempt in range(6):  # a click during a layout shift (a busy machine) can miss the header
        if attempt < 3:
            b.click(header)
        else:  # then the same click event sent to the header itself
            b.js(f"document.querySelector('{header}').click()")
        try:
            state = b.wait(f"document.querySelector('{header}').getAttribute('aria-sort')", timeout=2.0)
        except TimeoutError:
            state = None
        if state == "ascending":
            break
        time.sleep(0.5)
    assert b.js(f"document.querySelector('{header}').getAttribute('aria-sort')") == "ascending"
    lefts = [s for s in b.all_text("#kwic-table td.left") if s]  # (DataTables puts empty contexts last)
    # ordered by the word just before the keyword (compared as the browser's collation does: no accents)
    before = [_plain(s.split()[-1]) for s in lefts]
    assert len(before) >= 4 and before == sorted(before)
    _inert(b)


def test_comparing_two_groups_matches_python_and_shows_contexts_of_a_clicked_term(site):
    b = _open(site, "#view=compare")
    groups = b.all_text("#cmp-a option")
    assert site["genre"] in groups and "dialogue" in groups  # hostile metadata shown as text
    b.js(f"document.getElementById('cmp-a').value = String({groups.index('dialogue')})")
    b.js("document.getElementById('cmp-b').value = 'rest'")
    b.click("#cmp-form button")
    status = b.wait("(s => s.startsWith('dialogue') && s)(document.getElementById('cmp-status').textContent)")
    assert "dialogue" in status and "vs the rest" in status
    expected = keyness_groups(site["tokens"], site["corpus"].documents, by="genre", target="dialogue")
    dialog = expected[expected["lemma"] == "Dialog"].iloc[0]
    b.type("#cmp-table_wrapper input[type=search]", "Dialog")
    b.wait("document.querySelectorAll('#cmp-table tbody tr').length === 1")
    lemma, n_a, n_b, g2, log_ratio = b.all_text("#cmp-table tbody tr td")
    assert lemma == "Dialog" and dialog["log_ratio"] > 0
    assert (int(n_a), int(n_b)) == (dialog["freq_target"], int(dialog["freq_reference"]))
    assert float(g2) == pytest.approx(dialog["g2"], abs=1e-3)  # the browser's G² is the Python G²
    assert float(log_ratio) == pytest.approx(dialog["log_ratio"], abs=1e-3)
    b.click("#cmp-table tbody tr:first-child td:first-child")
    b.wait("document.getElementById('cmp-term').textContent.includes('Dialog')")
    rows = b.all_text("#cmp-contexts tbody tr")
    assert len(rows) >= 2 and any("A: dialogue" in r for r in rows)
    _inert(b)


def test_hostile_text_in_contexts_stays_text(site):
    b = _open(site, "#view=kwic&q=Dialog")
    b.wait("document.querySelectorAll('#kwic-table td.kw').length > 0")
    cells = " ".join(b.all_text("#kwic-table td"))
    assert "<script>" in cells or "onerror=" in cells or "javascript:" in cells  # the text is shown, as text
    _inert(b)
    assert b.js("document.title").startswith("Explore the corpus")


def test_dispersion_collocates_terms_and_reader(site):
    b = _open(site, "#view=dispersion&q=Dialog")
    assert "Dialog" in b.text("#disp-status")
    assert b.js("document.querySelectorAll('#disp-plot line.tick').length") >= 3
    bars = b.all_text("#trend-plot text")  # one bar per genre, labelled with the rate per 1,000 words
    assert len(bars) == 2 and any(t.startswith("dialogue (") and not t.endswith("(0)") for t in bars)
    b.click("#tabs button[data-view=terms]")
    b.type("#terms-table_wrapper input[type=search]", "Produkt")
    b.wait("document.querySelectorAll('#terms-table tbody tr').length === 1")
    assert b.all_text("#terms-table tbody tr td:first-child") == ["Produkt"]
    reader = site["out"] / "reader"
    page = next(p for p in sorted(reader.iterdir()) if "Zuh" in p.read_text(encoding="utf-8"))
    b.open(page.as_uri())
    b.wait("document.readyState === 'complete'")
    assert b.js("document.querySelectorAll('.para').length") >= 3
    assert b.js("document.querySelectorAll('.theme, .pos, .neg').length") >= 1
    assert HOSTILE.split(">")[0] + ">" in b.text("main")  # "<script>" shown as text
    _inert(b)


def test_a_word_form_that_is_not_a_lemma_finds_its_lines(site):
    b = _open(site, "#view=kwic")
    b.type("#kwic-q", "Marketingkampagne")
    b.enter()
    status = b.wait("document.getElementById('kwic-status').textContent")
    assert status.startswith("1 line of the word form")
    assert b.all_text("#kwic-table td.kw") == ["Marketingkampagne"]


def test_the_page_raises_no_error_and_violates_no_content_security_policy(site):
    b = _open(site, "#view=compare&term=Dialog")
    b.events.clear()
    for view in ("terms", "docterms", "kwic", "dispersion", "collocates", "reader", "compare"):
        b.click(f"#tabs button[data-view={view}]")
    b.click("#cmp-form button")
    b.js("document.querySelector('#view-compare').offsetHeight")
    errors = [e for e in b.events if "exceptionDetails" in e or e.get("entry", {}).get("level") == "error"]
    errors += [e for e in b.events if e.get("type") == "error"]
    assert errors == []
    # the check would see a violation: an inline script is refused and reported
    b.js(
        "var s = document.createElement('script'); s.textContent = 'window.inlineRan = 1'; document.body.appendChild(s)"
    )
    b.wait("true")
    assert b.js("window.inlineRan") is None
    assert any("Content Security Policy" in e.get("entry", {}).get("text", "") for e in b.events)
