"""The German cue words of the document structure live in analysis/lang/de/structure_de.toml: editing the
file changes what the patterns match (another variety of German needs no code change), and every list in
the file is read. Each check runs in a fresh interpreter that points the module at an edited copy of the file
and reloads it (the patterns are built once, at import), so the tests in this process keep the packaged data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

from analysis.corpus.structure import segment

ROOT = Path(__file__).resolve().parents[2]

# segment() with the module reloaded on the data file given as argv[1] ("" = the packaged file)
KINDS = r"""
import importlib, json, sys
from pathlib import Path
import analysis.lang
import analysis.corpus.structure as S
if sys.argv[1]:
    packaged = analysis.lang.data_file
    def data_file(name, *, language="de"):
        return Path(sys.argv[1]) if name == "structure_de.toml" else packaged(name, language=language)
    analysis.lang.data_file = data_file
    S = importlib.reload(S)
print(json.dumps([[p.kind for p in S.segment(t)[0]] for t in json.loads(sys.stdin.read())]))
"""

# every (table, key) of the data file that the module reads: at import, in its cached builders, in segment()
READ = r"""
import importlib, json, sys, tomllib
import analysis.corpus.structure as S
seen = set()
class Seen(dict):
    def __init__(self, d, path):
        super().__init__(d)
        self.path = path
    def __getitem__(self, key):
        value = super().__getitem__(key)
        seen.add(self.path + (key,))
        return Seen(value, self.path + (key,)) if isinstance(value, dict) else value
load = tomllib.load
tomllib.load = lambda fh, **kw: Seen(load(fh, **kw), ())
S = importlib.reload(S)
S._cues(), S._attr_res(), S._news_lead_re(), S._prefixed_outlet_re()
S.segment(sys.stdin.read(), genre="Blog")
print(json.dumps(sorted(seen)))
"""


def _run(script: str, *args: str, stdin: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _packaged() -> str:
    return resources.files("analysis.lang.de").joinpath("structure_de.toml").read_text(encoding="utf-8")


def _with_word(raw: str, key: str, word: str) -> str:
    """The data file with ``word`` added in front of the list ``key`` (a key that opens its line once)."""
    head = f"\n{key} = ["
    assert raw.count(head) == 1, key
    return raw.replace(head, f'{head}"{word}", ')


TEXTS = [
    # a comment section headed by a word the packaged list does not know
    "Neue Radwege in der Stadt\n\nDie Stadt baut vier neue Radwege. Die Kosten trägt das Land.\n\n"
    "Der Bau beginnt im Herbst.\n\n3 Leserbriefe\n\nEndlich passiert hier etwas.",
    # a row of share buttons with a network the packaged list does not know
    "Ein Sommer am See\n\nWir waren zwei Wochen am See und haben viel gelesen.\n\nFacebook Friendica\n\n"
    "Im nächsten Jahr fahren wir wieder hin, wenn das Wetter mitspielt.",
    # an author box under a heading the packaged list does not know
    "Gärtnern im Winter\n\nAuch im Winter gibt es im Garten viel zu tun. Die Beete brauchen Schutz.\n\n"
    "Die Rosen werden abgedeckt.\n\nÜber die Schreiberin\n\nMaria Beispiel gärtnert seit zwanzig Jahren.",
]


def test_editing_the_data_file_changes_the_cues(tmp_path):
    raw = _packaged()
    edited = _with_word(raw, "heads", "Leserbriefe")
    edited = _with_word(edited, "networks", "friendica")
    edited = _with_word(edited, "bio_heads", "Über die Schreiberin")
    path = tmp_path / "structure_de.toml"
    path.write_text(edited, encoding="utf-8")
    before = json.loads(_run(KINDS, "", stdin=json.dumps(TEXTS)))
    after = json.loads(_run(KINDS, str(path), stdin=json.dumps(TEXTS)))
    # the packaged data, read in the child, gives what this process gives
    assert before == [[p.kind for p in segment(t)[0]] for t in TEXTS]
    assert before[0][3] != "comment_header" and after[0][3:] == ["comment_header", "comment"]
    assert before[1][2] != "share_buttons" and after[1][2] == "share_buttons"
    assert before[2][3] != "author_bio" and after[2][3:] == ["author_bio", "author_bio"]
    # nothing else moves
    for b, a in zip(before, after):
        assert len(a) == len(b)
    assert after[0][:3] == before[0][:3] and after[1][:2] + after[1][3:] == before[1][:2] + before[1][3:]


def test_every_list_in_the_data_file_is_read():
    data = tomllib.loads(_packaged())
    lists = {(table, key) for table, entries in data.items() for key in entries}
    assert all(isinstance(data[t][k], list) and data[t][k] for t, k in lists)
    read = {tuple(x) for x in json.loads(_run(READ, stdin="Ein Titel\n\nEin Satz, sagte sie."))}
    assert lists - read == set()


def test_word_lists_have_no_duplicates():
    for table, entries in tomllib.loads(_packaged()).items():
        for key, words in entries.items():
            assert len(words) == len(set(words)), f"[{table}] {key}: {sorted(w for w in words if words.count(w) > 1)}"


def test_author_box_heads_are_the_listed_phrases_not_their_prefixes():
    # "Über die Autor…" once matched as a prefix, so "Über die Autorität …" opened an author box
    text = (
        "Staat und Bürger\n\nDer Staat regelt vieles. Die Bürger wählen ihn, und er dient ihnen.\n\n"
        "Über die Autorität des Staates\n\nOhne Vertrauen trägt keine Ordnung lange. Das zeigt die Geschichte.\n\n"
        "Über die Autorin\n\nMaria Beispiel schreibt über Politik."
    )
    assert [p.kind for p in segment(text)[0]] == ["title", "body", "heading", "body", "author_bio", "author_bio"]
