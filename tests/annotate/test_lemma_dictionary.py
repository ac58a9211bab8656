"""The snapshot of simplemma's dictionary: the same entries as simplemma's own decoding, and a
damaged snapshot is never used."""

from __future__ import annotations

import pytest

from analysis.annotate import lemma_dictionary as ld

SMALL = {"Häuser".encode(): b"Haus", b"ging": b"gehen", "Bäume".encode(): b"Baum", b"": b"x"}


def test_snapshot_round_trip(tmp_path):
    path = tmp_path / "simplemma-9-de-1-2.bin"
    ld._write(path, SMALL, "de")
    assert ld._read(path) == SMALL


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-3],  # truncated
        lambda data: data + b"x",  # longer than its header says
        lambda data: data.replace(b"analysis-simplemma-snapshot-1", b"something-else", 1),
        lambda data: data.replace(b"\n", b"", 2),  # one entry fewer than the header counts
        lambda data: b"",
    ],
)
def test_a_damaged_snapshot_is_not_used(tmp_path, damage):
    path = tmp_path / "simplemma-9-de-1-2.bin"
    ld._write(path, SMALL, "de")
    path.write_bytes(damage(path.read_bytes()))
    assert ld._read(path) is None


def test_entries_with_a_newline_are_not_written(tmp_path):
    path = tmp_path / "simplemma-9-de-1-2.bin"
    ld._write(path, {b"a\nb": b"c"}, "de")
    assert not path.exists()


def test_a_new_snapshot_replaces_the_old_one_of_its_language(tmp_path):
    old, other_lang = tmp_path / "simplemma-1-de-5-6.bin", tmp_path / "simplemma-1-en-5-6.bin"
    ld._write(old, SMALL, "de")
    ld._write(other_lang, SMALL, "en")
    new = tmp_path / "simplemma-2-de-7-8.bin"
    ld._write(new, SMALL, "de")
    assert sorted(p.name for p in tmp_path.iterdir()) == [other_lang.name, new.name]


def test_loader_gives_simplemmas_own_entries_and_writes_then_reads_the_snapshot(tmp_path):
    from simplemma.strategies.dictionaries import dictionary_factory as df

    calls = []

    def decode(lang):
        calls.append(lang)
        return df._load_dictionary_from_disk(lang)

    def not_used(lang):
        raise AssertionError("simplemma's own loading is the fallback only")

    first = ld._loader(not_used, df.MappingStrToByteString, decode, tmp_path)("de")
    assert calls == ["de"] and len(list(tmp_path.glob("simplemma-*-de-*.bin"))) == 1
    again = ld._loader(not_used, df.MappingStrToByteString, decode, tmp_path)("de")  # a new process, say
    assert calls == ["de"], "the second load reads the snapshot"
    assert again._dict == first._dict == df._load_dictionary_from_disk("de")
    assert again.get("Häuser") == "Haus"


def test_installed_on_import_and_lemmas_unchanged():
    import simplemma
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    import analysis  # noqa: F401  (installs the snapshot loader)
    from analysis.annotate.compounds import _lexicon

    assert getattr(DEFAULT_DICTIONARY_FACTORY._get_dictionary, "analysis_snapshot", False)
    assert ld.install() is True  # idempotent
    assert simplemma.lemmatize("Häuser", lang="de") == "Haus"
    assert _lexicon() is DEFAULT_DICTIONARY_FACTORY.get_dictionary("de"), "one dictionary per process"
