"""simplemma's German dictionary, loaded from a flat snapshot in the cache folder.

simplemma 2 ships each language's form → lemma dictionary front-coded and LZMA-compressed and
decodes it record by record in Python: about 1.4 s for German's 1.1 million entries, paid by
every process that lemmatises a word or asks the compound splitter (the report, and each
notebook's kernel, also on a warm annotation cache, for compound parts). :func:`install` makes
simplemma's shared dictionary factory read the same dictionary from a snapshot written at its
first decoding: two byte strings split at newlines, in about half the time. The entries are
the decoded ones, byte for byte, so every lemma stays the same; a snapshot that does not match
its header, or a simplemma without the shared factory, falls back to simplemma's own loading.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

__all__ = ["install", "snapshot_path"]

_MAGIC = b"analysis-simplemma-snapshot-1"


def snapshot_path(lang: str, cache_dir: Path) -> Path | None:
    """Where the snapshot of ``lang`` lives: named after simplemma's version and the data file's
    size and modification time, so a reinstalled simplemma gets a new one. None without simplemma."""
    try:
        from importlib.metadata import version

        from simplemma.strategies.dictionaries import dictionary_factory as df

        stat = (Path(df.DATA_FOLDER) / f"{lang}.plzma").stat()
        return cache_dir / f"simplemma-{version('simplemma')}-{lang}-{stat.st_size}-{stat.st_mtime_ns}.bin"
    except Exception:  # not installed, or another layout: no snapshot
        return None


def _read(path: Path) -> dict[bytes, bytes] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    fields = head.split(b" ")
    if len(fields) != 4 or fields[0] != _MAGIC or not all(f.isdigit() for f in fields[1:]):
        return None
    n, key_bytes, value_bytes = (int(f) for f in fields[1:])
    if len(body) != key_bytes + value_bytes:
        return None
    keys = body[:key_bytes].split(b"\n") if n else []
    values = body[key_bytes:].split(b"\n") if n else []
    if len(keys) != n or len(values) != n:
        return None
    return dict(zip(keys, values))


def _write(path: Path, store: dict[bytes, bytes], lang: str) -> None:
    if any(b"\n" in k or b"\n" in v for k, v in store.items()):
        return  # not representable: simplemma decodes it every time
    keys, values = b"\n".join(store.keys()), b"\n".join(store.values())
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(b"%s %d %d %d\n" % (_MAGIC, len(store), len(keys), len(values)))
            fh.write(keys)
            fh.write(values)
        os.replace(tmp, path)
        for old in path.parent.glob(f"simplemma-*-{lang}-*.bin"):
            if old != path:  # snapshots of an earlier simplemma
                old.unlink(missing_ok=True)
    except OSError:  # a read-only cache folder: no snapshot, nothing else changes
        tmp.unlink(missing_ok=True)


def _loader(original, wrap, load_from_disk, cache_dir: Path | None):
    @lru_cache(maxsize=8)
    def get_dictionary(lang: str):
        if cache_dir is None:
            from .pipeline import default_cache_dir

            folder = default_cache_dir()
        else:
            folder = cache_dir
        path = snapshot_path(lang, folder)
        if path is None:
            return original(lang)
        store = _read(path)
        if store is None:
            store = load_from_disk(lang)  # raises ValueError for an unsupported language, as simplemma does
            _write(path, store, lang)
        return wrap(store)

    get_dictionary.analysis_snapshot = True
    return get_dictionary


def install(cache_dir: Path | None = None) -> bool:
    """Let simplemma's shared dictionary factory (used by ``simplemma.lemmatize`` and
    ``simplemma.is_known``) load dictionaries through the snapshot in ``cache_dir`` (default:
    the annotation cache folder, :func:`analysis.annotate.pipeline.default_cache_dir`, when a dictionary
    is first needed). Nothing is read until then. Returns whether it is installed (idempotent)."""
    try:
        from simplemma.strategies.dictionaries import dictionary_factory as df
    except ImportError:
        return False
    factory = getattr(df, "DEFAULT_DICTIONARY_FACTORY", None)
    original = getattr(factory, "_get_dictionary", None)
    wrap = getattr(df, "MappingStrToByteString", None)
    load_from_disk = getattr(df, "_load_dictionary_from_disk", None)
    if original is None or wrap is None or load_from_disk is None:
        return False
    if getattr(original, "analysis_snapshot", False):
        return True
    try:
        factory._get_dictionary = _loader(
            original, wrap, load_from_disk, None if cache_dir is None else Path(cache_dir)
        )
    except AttributeError:  # a factory without a settable cache: leave simplemma as it is
        return False
    return True
