"""Tests for analysis.topics.model: units, NMF/LDA topics, NPMI coherence, stability, clusters, report."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import run_sections

from analysis import annotate, load_corpus
from analysis.topics.model import (
    TopicModel,
    cluster_units,
    corpus_names,
    document_topics,
    npmi_coherence,
    select_k,
    stability,
    topic_themes,
    topic_units,
    unit_map,
)

REPO = Path(__file__).resolve().parents[2]

FOOTBALL = [
    "Stürmer",
    "Torwart",
    "Elfmeter",
    "Schiedsrichter",
    "Abwehr",
    "Mannschaft",
    "Stadion",
    "Trainer",
    "Flanke",
    "Abseits",
]
BAKING = ["Teig", "Zucker", "Butter", "Mehl", "Backofen", "Streusel", "Sahne", "Kuchen", "Rezept", "Zimt"]


def _paragraph(rng: random.Random, pool: list[str]) -> str:
    words = rng.sample(pool, 6)
    return (
        f"Der {words[0]} und die {words[1]} waren wichtig. Danach kamen {words[2]} und {words[3]}. "
        f"Am Ende zählten {words[4]} sowie {words[5]}."
    )


@pytest.fixture(scope="module")
def two_topics(tmp_path_factory):
    rng = random.Random(7)
    folder = tmp_path_factory.mktemp("topics")
    for i in range(3):
        (folder / f"fussball-{i}.txt").write_text(
            "\n\n".join(_paragraph(rng, FOOTBALL) for _ in range(6)), encoding="utf-8"
        )
        (folder / f"backen-{i}.txt").write_text(
            "\n\n".join(_paragraph(rng, BAKING) for _ in range(6)), encoding="utf-8"
        )
    corpus = load_corpus(folder, quiet=True)
    tokens = annotate(corpus, cache=False)
    return corpus, tokens, topic_units(tokens, unit="paragraph", max_zipf=None, compounds=False)


def test_units(two_topics):
    _, tokens, units = two_topics
    assert list(units.columns[:6]) == ["unit_id", "doc_id", "para_id", "sent_id", "speaker", "n_content"]
    assert len(units) == 36  # 6 documents × 6 paragraphs
    assert units["unit_id"].tolist() == list(range(36))
    windows = topic_units(tokens, unit="sentences", window=2, max_zipf=None)
    assert len(windows) == 6 * math.ceil(18 / 2)
    with pytest.raises(ValueError):
        topic_units(tokens, unit="chapter")


def test_compound_parts_are_features(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Das Dialogmarketing der Firma wächst seit Jahren kräftig weiter.", encoding="utf-8"
    )
    tokens = annotate(load_corpus(tmp_path, quiet=True), cache=False)
    feats = topic_units(tokens, min_features=1)["features"].item().split()
    assert {"Dialogmarketing", "Dialog", "Marketing"} <= set(feats)
    assert "Dialog" not in topic_units(tokens, min_features=1, compounds=False)["features"].item().split()


def test_features_are_lemmas_in_german_spelling_without_names(tmp_path):
    # sentence-initial "Neue" and mid-sentence "neue" are one feature, spelled as mostly written;
    # the plural modifier of "Kundendaten" is the lemma "Kunde"; the named person is left out
    (tmp_path / "a.txt").write_text(
        "Neue Kunden kaufen gern. Die Firma sucht neue Kunden und neue Märkte. "
        "Die Kundendaten liegen beim Vertrieb. Maria Brennecke leitet den Vertrieb seit Jahren.",
        encoding="utf-8",
    )
    tokens = annotate(load_corpus(tmp_path, quiet=True), cache=False)
    feats = set(topic_units(tokens, min_features=1, unit="paragraph")["features"].item().split())
    assert {"Kunde", "Markt", "Vertrieb", "neu"} <= feats
    assert not {"Neu", "kunde", "Kunden"} & feats
    assert "Brennecke" in feats
    kept_out = topic_units(tokens, min_features=1, unit="paragraph", exclude={"Maria", "Brennecke"})
    assert "Brennecke" not in kept_out["features"].item().split()


def test_corpus_names_come_from_speakers_and_quotes(tmp_path):
    (tmp_path / "a.txt").write_text(
        "„Wir hören unseren Kunden zu“, sagt Maria Brennecke.\n\nDer Vertrieb wächst.", encoding="utf-8"
    )
    names = corpus_names(load_corpus(tmp_path, quiet=True))
    assert {"Maria", "Brennecke"} <= names and "Vertrieb" not in names


def test_passages_join_short_paragraphs_within_a_document(two_topics):
    _, tokens, paragraphs = two_topics
    passages = topic_units(tokens, unit="passage", passage_size=20, max_zipf=None, compounds=False)
    n_feat = passages["features"].str.split().str.len()
    assert (n_feat >= 20).all()
    assert len(passages) < len(paragraphs)
    # every passage lies within one document and starts at one of its paragraphs
    assert set(zip(passages["doc_id"], passages["para_id"])) <= set(zip(paragraphs["doc_id"], paragraphs["para_id"]))
    per_doc = passages.groupby("doc_id")["features"].agg(" ".join).str.split().str.len()
    assert per_doc.equals(paragraphs.groupby("doc_id")["features"].agg(" ".join).str.split().str.len())


THREE_TEXTS = {  # written for this test: a match report, a recipe, an advice page; words recur as in real texts
    "fussball.txt": [
        "Die Mannschaft gewann das Spiel am Samstag mit zwei zu eins. Der Stürmer traf zweimal, der Torwart hielt stark.",
        "Der Trainer lobte nach dem Spiel die Abwehr. Die Mannschaft stand kompakt, und der Torwart hielt einen Elfmeter.",
        "Im Stadion sahen dreißigtausend Fans das Spiel. Der Schiedsrichter zeigte dem Stürmer der Gäste die Rote Karte.",
        "Mit dem Sieg klettert die Mannschaft in der Tabelle auf Platz vier. Der Trainer warnt vor dem nächsten Spiel.",
        "Der Stürmer fehlt im nächsten Spiel gesperrt. Der Trainer muss die Mannschaft umbauen, die Abwehr bleibt.",
        "Die Fans feierten die Mannschaft nach dem Abpfiff im Stadion. Der Torwart wurde zum Spieler des Spiels gewählt.",
    ],
    "linsensuppe.txt": [
        "Für die Linsensuppe braucht man rote Linsen, Zwiebeln, Karotten und Gemüsebrühe. Die Suppe ist schnell gekocht.",
        "Die Zwiebeln und Karotten im Topf in Öl andünsten. Dann die Linsen und die Gemüsebrühe in den Topf geben.",
        "Die Suppe zwanzig Minuten köcheln lassen, bis die Linsen weich sind. Mit Salz, Pfeffer und Kreuzkümmel würzen.",
        "Wer die Suppe cremig mag, püriert die Linsen im Topf mit dem Stabmixer. Ein Schuss Zitrone macht die Suppe frisch.",
        "Die Linsensuppe mit Brot servieren. Reste der Suppe halten sich im Kühlschrank drei Tage.",
        "Statt roter Linsen gehen auch Berglinsen, dann braucht die Suppe länger im Topf und mehr Gemüsebrühe.",
    ],
    "waermepumpe.txt": [
        "Eine Wärmepumpe holt Wärme aus der Außenluft und heizt damit das Haus. Den Verdichter der Wärmepumpe treibt Strom an.",
        "Im Altbau lohnt sich die Wärmepumpe, wenn die Heizkörper groß sind oder eine Fußbodenheizung das Haus heizt.",
        "Die Jahresarbeitszahl sagt, wie viel Wärme die Wärmepumpe aus einer Kilowattstunde Strom macht.",
        "Der Staat fördert den Einbau einer Wärmepumpe, wenn sie eine alte Ölheizung im Haus ersetzt.",
        "Vor dem Einbau berechnet der Installateur die Heizlast des Hauses und die Leistung der Wärmepumpe.",
        "Mit eigenem Strom vom Dach heizt die Wärmepumpe günstiger. Die Heizung braucht dann weniger Strom aus dem Netz.",
    ],
}


def test_three_unrelated_texts_get_three_topics_and_clusters(tmp_path):
    for name, paragraphs in THREE_TEXTS.items():
        (tmp_path / name).write_text("\n\n".join(paragraphs), encoding="utf-8")
    corpus = load_corpus(tmp_path, quiet=True)
    tabs = run_sections(corpus, annotate(corpus, cache=False), "themes", "topics")
    sel = tabs["topic_selection"]
    assert sel.loc[sel["chosen"] & (sel["model"] == "nmf"), "k"].item() == 3
    dt = tabs["document_topics"]
    dominant = (
        dt[dt["model"] == "nmf"].sort_values("weight", ascending=False).drop_duplicates("doc_id").set_index("doc_id")
    )
    assert dominant["topic_id"].nunique() == 3  # each text its own topic
    clusters = tabs["unit_topics"].groupby("doc_id", observed=True)["cluster"].agg(lambda c: c.mode().iloc[0])
    assert clusters.nunique() == 3
    sizes = tabs["unit_topics"]["cluster"].value_counts()
    assert sizes.min() >= 2 and sizes.max() <= sizes.sum() / 2  # no giant cluster


def test_npmi_worked_example():
    units = pd.DataFrame({"unit_id": range(4), "features": ["a b", "a b", "a c", "d"]})
    top = pd.DataFrame({"topic_id": [0, 0, 0], "rank": [1, 2, 3], "term": ["a", "b", "c"]})
    # by hand: NPMI(a,b) = ln(.5/(.75*.5)) / -ln(.5); NPMI(a,c) = ln(.25/(.75*.25)) / -ln(.25); NPMI(b,c) = -1
    expected = (math.log(0.5 / 0.375) / math.log(2) + math.log(0.25 / 0.1875) / math.log(4) - 1) / 3
    got = npmi_coherence(top, units)["coherence"].item()
    assert got == pytest.approx(expected)
    assert got == pytest.approx(-0.125815, abs=1e-6)


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_model_separates_topics_and_is_deterministic(two_topics, method):
    _, _, units = two_topics
    m1 = TopicModel(2, method=method, random_state=3).fit(units)
    m2 = TopicModel(2, method=method, random_state=3).fit(units)
    pd.testing.assert_frame_equal(m1.top_terms(), m2.top_terms())
    ut = m1.transform(units)
    assert np.allclose(ut.groupby("unit_id")["weight"].sum(), 1.0)
    dt = document_topics(ut, units)
    best = dt.sort_values("weight", ascending=False).drop_duplicates("doc_id").set_index("doc_id")["topic_id"]
    football = {best[d] for d in best.index if d.startswith("fussball")}
    baking = {best[d] for d in best.index if d.startswith("backen")}
    assert len(football) == 1 and len(baking) == 1 and football != baking
    top5 = {t: set(g.head(5)["term"]) for t, g in m1.top_terms().groupby("topic_id")}
    assert any(s <= set(FOOTBALL) for s in top5.values())  # nouns keep their capital


def test_stability_and_selection(two_topics):
    _, _, units = two_topics
    assert stability(units, 2, method="nmf") >= 0.9  # the same two topics from every 80 % subsample
    assert stability(units, 5, method="nmf") < stability(units, 2, method="nmf")
    sel = select_k(units, ks=range(2, 6))
    assert list(sel.columns) == [
        "model",
        "k",
        "coherence",
        "stability",
        "agreement",
        "silhouette",
        "diversity",
        "combined",
        "chosen",
    ]
    assert sel.loc[sel["chosen"], "k"].tolist() == [2]
    # two subjects: every refit at k = 2 groups the units the same way; at k = 5 it splits them differently
    agreement = sel.set_index("k")["agreement"]
    assert agreement[2] == pytest.approx(1.0) and agreement[5] < 0.9
    assert select_k(units.head(5)).empty
    assert select_k(units.head(9))["k"].max() == 3  # at most one topic per three units


def test_clusters_and_map(two_topics):
    _, _, units = two_topics
    cl = cluster_units(units, n_clusters=2).merge(units[["unit_id", "doc_id"]])
    by_doc = cl.groupby(cl["doc_id"].str.split("-").str[0])["cluster"].agg(set)
    assert len(by_doc["fussball"]) == 1 and len(by_doc["backen"]) == 1 and by_doc["fussball"] != by_doc["backen"]
    xy = unit_map(units)
    pd.testing.assert_frame_equal(xy, unit_map(units))
    assert list(xy.columns) == ["unit_id", "x", "y"]


def test_topic_themes_mapping(tmp_path):
    from analysis.themes import load_themes

    units = pd.DataFrame(
        {
            "unit_id": range(6),
            "features": ["dialog gespräch zuhören austausch"] * 3 + ["torwart stürmer elfmeter abseits"] * 3,
        }
    )
    model = TopicModel(2, method="nmf", min_df=1).fit(units)
    mapping = topic_themes(model, load_themes()).set_index("topic_name")
    themes_found = set(mapping["theme"])
    assert themes_found == {"dialogue", "none"}


@pytest.fixture(scope="module")
def seed_pair():
    corpus = load_corpus(REPO / "data" / "texts", quiet=True).subset(
        ["heinemann-interview", "stamer-wer-nicht-twittert"]
    )
    return corpus, annotate(corpus, cache=False)


def test_report_tables_seed(seed_pair):
    corpus, tokens = seed_pair
    tabs = run_sections(corpus, tokens, "themes", "topics")
    assert {"themes", "topics", "document_topics", "topic_selection", "topic_themes", "unit_topics"} <= set(tabs)
    assert list(tabs["topics"].columns) == ["topic_id", "model", "rank", "term", "weight"]
    themes = tabs["themes"]
    for col in (
        "doc_id",
        "theme",
        "score_dialogue",
        "score_marketing",
        "score_ceo_tweeting",
        "score_cluetrain",
        "dialogue_marketing_axis",
    ):
        assert col in themes.columns
    assert themes["theme"].tolist() == ["ceo_tweeting", "ceo_tweeting"]
    assert "reference_echoes" not in tabs
    figs = run_sections(corpus, tokens, "themes", "topics", figures=True)[1]
    assert {"themes_documents", "topics_document_topics", "topics_unit_map"} <= set(figs)


def test_report_one_document_and_no_theme(tmp_path):
    (tmp_path / "rezept.txt").write_text(
        "Apfelkuchen\n\nMehl, Butter und Zucker verkneten.\n\nÄpfel schälen und schneiden.\n\nBei 180 Grad backen.",
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path, quiet=True)
    tabs = run_sections(
        corpus, annotate(corpus, cache=False), "themes", "topics", references_path=str(tmp_path / "absent.txt")
    )
    assert tabs["themes"]["theme"].tolist() == ["none"]
    assert "reference_echoes" not in tabs
    # one short document is one passage: too few units to choose k (at most one topic per three units),
    # so no model, tables with their columns and no rows, and no topic figures
    assert tabs["topic_selection"].empty and tabs["topics"].empty and tabs["document_topics"].empty
    assert list(tabs["topics"].columns) == ["topic_id", "model", "rank", "term", "weight"]
    assert len(tabs["unit_topics"]) == 1


def test_sample_units_is_seeded_and_capped(two_topics):
    from analysis.topics.model import sample_units

    _, _, units = two_topics
    assert sample_units(units, None) is units and sample_units(units, len(units)) is units
    a = sample_units(units, 10, random_state=1)
    assert len(a) == 10 and a["unit_id"].is_monotonic_increasing
    assert a.equals(sample_units(units, 10, random_state=1))
    assert not a.equals(sample_units(units, 10, random_state=2))


def test_cluster_units_on_a_sample_labels_every_unit(two_topics):
    _, _, units = two_topics
    full = cluster_units(units, n_clusters=2)
    sampled = cluster_units(units, n_clusters=2, max_units=18, random_state=0)
    assert sampled["unit_id"].tolist() == units["unit_id"].tolist()
    assert set(sampled["cluster"]) == {0, 1}
    # the two topics are far apart: units assigned to the nearest cluster land with their topic
    topic = units["doc_id"].str.startswith("fussball").to_numpy()
    for labels in (full["cluster"].to_numpy(), sampled["cluster"].to_numpy()):
        assert len(set(labels[topic])) == 1 and len(set(labels[~topic])) == 1
    assert cluster_units(units, n_clusters=2, max_units=len(units)).equals(full)


def test_select_k_and_fit_on_a_sample(two_topics):
    _, _, units = two_topics
    sel = select_k(units, ks=range(2, 4), max_units=24)
    assert sel.loc[sel["chosen"], "k"].item() == 2
    model = TopicModel(2, max_units=24).fit(units)
    assert len(model.transform(units)) == 2 * len(units)  # applied to every unit
    assert model.top_terms(3).equals(TopicModel(2, max_units=24).fit(units).top_terms(3))


@pytest.mark.parametrize("init", ["nndsvd", "nndsvda"])
def test_nndsvd_start_matches_scikit_learn(two_topics, init):
    # select_k computes the NNDSVD start itself from one SVD for every k; it must be scikit-learn's
    from sklearn.decomposition._nmf import _initialize_nmf
    from sklearn.utils.extmath import randomized_svd

    from analysis.topics.model import _fit_matrix, _nndsvd

    _, _, units = two_topics
    _, X = _fit_matrix(units, tfidf=True, min_df=2, max_df=0.9)
    for k in (2, 3):
        W_ref, H_ref = _initialize_nmf(X, k, init=init, random_state=0)
        W, H = _nndsvd(randomized_svd(X, k, random_state=0), k, fill=float(X.mean()) if init == "nndsvda" else None)
        assert np.allclose(W, W_ref) and np.allclose(H, H_ref)


def test_select_k_follows_the_number_of_subjects(tmp_path):
    # four made-up subjects, three documents each: k = 4, and the dominant topics are the subjects
    pools = {
        "fussball": FOOTBALL,
        "backen": BAKING,
        "garten": ["Beet", "Rasen", "Kompost", "Gießkanne", "Rose", "Hecke", "Spaten", "Saatgut", "Dünger", "Unkraut"],
        "bahn": [
            "Zug",
            "Gleis",
            "Fahrplan",
            "Bahnhof",
            "Schaffner",
            "Weiche",
            "Stellwerk",
            "Fahrgast",
            "Abteil",
            "Lok",
        ],
    }
    rng = random.Random(3)
    for name, pool in pools.items():
        for i in range(3):
            text = "\n\n".join(_paragraph(rng, pool) for _ in range(4))
            (tmp_path / f"{name}-{i}.txt").write_text(text, encoding="utf-8")
    tokens = annotate(load_corpus(tmp_path, quiet=True), cache=False)
    units = topic_units(tokens, max_zipf=None, compounds=False)
    sel = select_k(units, ks=range(2, 9))
    k = sel.loc[sel["chosen"], "k"].item()
    assert k == 4
    dt = document_topics(TopicModel(k).fit(units).transform(units), units)
    dom = dt.sort_values("weight", ascending=False).drop_duplicates("doc_id").set_index("doc_id")["topic_id"]
    subject_topics = dom.groupby(dom.index.str.split("-").str[0]).agg(set)
    assert all(len(s) == 1 for s in subject_topics) and len(set().union(*subject_topics)) == 4


def test_units_without_text_are_the_same_units(two_topics):
    # the report builds its units without the joined token text (a copy of every token): the
    # other columns must not change
    _, tokens, _ = two_topics
    with_text = topic_units(tokens)
    without = topic_units(tokens, text=False)
    assert "text" in with_text.columns and "text" not in without.columns
    pd.testing.assert_frame_equal(without, with_text.drop(columns="text"))
    shuffled = tokens.sample(frac=1.0, random_state=1)  # out of order: sorted inside, same units
    pd.testing.assert_frame_equal(topic_units(shuffled, text=False), without)


def test_lex_sorted_agrees_with_a_stable_sort():
    from analysis.topics.model import _lex_sorted

    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(0, 12))
        keys = [np.sort(rng.integers(0, 3, n)) if rng.random() < 0.5 else rng.integers(0, 3, n) for _ in range(3)]
        if rng.random() < 0.5:  # rows already in order, as annotate() gives them
            order = np.lexsort(keys[::-1])
            keys = [k[order] for k in keys]
        identity = np.array_equal(np.lexsort(keys[::-1]), np.arange(n))
        assert _lex_sorted(*keys) == identity


def test_a_helper_process_gives_the_same_selection_and_lda_scores(sample):
    import analysis.topics.model as model
    from analysis.topics.helper import Helper

    _, tokens = sample
    units = model.topic_units(tokens, unit="paragraph", text=False)
    assert len(units) >= 24  # ks up to 8 are feasible: the helper gets the largest of them
    ks = list(range(2, 9))
    assert 2 <= len(model._helper_share(ks)) < len(ks)
    helper = Helper()
    try:
        shared = model.select_k(units, ks=ks, _helper=helper)
        job = helper.submit(model._lda_reference_scores, model._features_only(units), 3, random_state=0)
        there = job.result()
    finally:
        helper.close()
    pd.testing.assert_frame_equal(shared, model.select_k(units, ks=ks), check_exact=True)
    assert there == model._lda_reference_scores(units, 3, random_state=0)


def test_topic_tables_with_a_helper_are_the_tables_without(sample, monkeypatch):
    import analysis.topics.model as model
    from analysis.context import Caps

    _, tokens = sample
    units = model.topic_units(tokens, text=False)
    caps = Caps(select_units=len(units) // 2, lda_units=len(units) // 2)  # samples: the helper is used
    monkeypatch.setattr(model, "HELPER_MIN_TOKENS", 10**12)
    alone = model.topic_tables(tokens, caps=caps, ks=range(2, 5))
    monkeypatch.setattr(model, "HELPER_MIN_TOKENS", 0)
    started = []
    real = model._helper_for

    def spy(tokens):
        cm = real(tokens)
        helper = cm.__enter__()
        started.append(helper)
        return _Reentered(cm, helper)

    monkeypatch.setattr(model, "_helper_for", spy)
    shared = model.topic_tables(tokens, caps=caps, ks=range(2, 5))
    assert started and started[0] is not None and started[0].proc.poll() is not None  # used, then ended
    assert alone.keys() == shared.keys()
    for name in alone:
        pd.testing.assert_frame_equal(shared[name], alone[name], check_exact=True)


class _Reentered:
    """A context manager already entered (the spy above keeps the helper it yields)."""

    def __init__(self, cm, value) -> None:
        self.cm, self.value = cm, value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)


def test_the_helper_runs_jobs_without_running_the_callers_script_again(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"  # no `if __name__ == "__main__"`: multiprocessing's spawn would rerun it
    script.write_text(
        "print('script ran')\n"
        "from analysis.topics.helper import Helper\n"
        "import math\n"
        "h = Helper()\n"
        "first, second = h.submit(math.factorial, 5), h.submit(int, 'x')\n"
        "print('result', first.result())\n"
        "try:\n"
        "    second.result()\n"
        "except ValueError as exc:\n"
        "    print('raised', type(exc).__name__)\n"
        "h.close()\n"
        "print('exit', h.proc.returncode)\n",
        encoding="utf-8",
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["script ran", "result 120", "raised ValueError", "exit 0"]
