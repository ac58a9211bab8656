"""How ``python -m analysis run`` executes the notebooks: values injected after the parameters
cell, a notebook waits for its section's saved tables before the cell that loads them, a failing
cell is reported, and an interrupted report leaves no notebook hanging. Tiny notebooks of the
test's own, each in a real kernel."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from analysis.report import notebooks as report
from analysis.report.run import _Log


def notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("folder = None\nresults_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def books(tmp_path, monkeypatch):
    """The folder the run takes its notebooks from: this test's own, empty until it writes some."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.setattr(report, "NOTEBOOKS", folder)
    return folder


def wait_for_file(path: Path, what: str, *, seconds: float = 120) -> None:
    """Until ``path`` exists (a notebook cell touched it), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_parameters_are_injected_after_the_parameters_cell_with_a_fixed_id():
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_markdown_cell("# title")
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [first, params, nbformat.v4.new_code_cell("print(x)")]
    report.inject_parameters(nb, {"x": 2, "path": "/a/b"})
    report.inject_parameters(nb, {"x": 3, "path": None})  # again: replaces, does not add
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and nb.cells[2] is injected[0]
    assert injected[0].id == "injected-parameters"
    assert injected[0].source == "# Parameters\nx = 3\npath = None\n"
    nbformat.validate(nb)


def test_which_cells_wait_for_which_section():
    code = nbformat.v4.new_code_cell
    assert report.needs_results(code('tables = section_tables("topics", c, results_dir=results_dir)')) == ("topics",)
    two = 'section_tables("themes", c, results_dir=results_dir) | section_tables(\n    "topics", c, results_dir=results_dir\n)'
    assert report.needs_results(code(two)) == ("themes", "topics")
    figs = 'figures = section_figures("sentiment", c, tables, results_dir=results_dir)'
    assert report.needs_results(code(figs)) == ("sentiment",)  # the figures are saved with the tables
    assert report.needs_results(code("tables = load(results_dir)")) == ("",)  # unknown section: all of them
    assert report.needs_results(code("import pandas as pd")) is None
    params = code("results_dir = None")
    params.metadata["tags"] = ["parameters"]
    assert report.needs_results(params) is None
    assert report.needs_results(nbformat.v4.new_markdown_cell("results_dir")) is None


def test_a_notebook_waits_for_its_section_before_the_cell_that_loads_it(tmp_path, books):
    started, saved = tmp_path / "started", tmp_path / "saved"
    notebook(
        books / "01_wait.ipynb",
        f"from pathlib import Path\nPath({str(started)!r}).touch()",
        f'# section_tables("topics", results_dir=results_dir)\nassert Path({str(saved)!r}).exists()',
    )
    log = _Log(quiet=True)
    run = report.start_notebooks(tmp_path / "out", log, {"folder": str(tmp_path)}, sections=["topics"])
    wait_for_file(started, "the first cells never ran")  # the kernel ran the cells before the loading one
    time.sleep(1.0)  # a notebook that did not wait would now fail its assert
    saved.touch()
    run.section_done("topics")
    links: list = []
    assert report.finish_notebooks(run, log, links) == 0, log.problems
    assert links == [("01_wait", "notebooks/01_wait.html", "ok")]
    executed = nbformat.read(str(tmp_path / "out" / "01_wait.ipynb"), as_version=4)
    assert [c.execution_count for c in executed.cells if c.cell_type == "code"] == [1, 2, 3, 4]
    assert executed.cells[1].id == "injected-parameters"
    assert (tmp_path / "out" / "01_wait.html").is_file()


def test_a_failing_cell_is_reported_and_the_notebook_kept(tmp_path, books):
    notebook(books / "01_fails.ipynb", "raise ValueError('kaputt im Notebook')", "never = 1")
    log = _Log(quiet=True)
    run = report.start_notebooks(tmp_path / "out", log, {"folder": None})
    links: list = []
    assert report.finish_notebooks(run, log, links) == 1
    assert links == [("01_fails", "notebooks/01_fails.html", "failed")]
    assert "kaputt im Notebook" in log.problems[0]["message"]
    executed = nbformat.read(str(tmp_path / "out" / "01_fails.ipynb"), as_version=4)
    assert executed.cells[2].outputs[0]["output_type"] == "error"
    assert executed.cells[3].execution_count is None  # stopped at the failing cell


def test_cancel_stops_a_waiting_notebook(tmp_path, books):
    notebook(books / "01_waits.ipynb", "x = 1", '# section_tables("vocabulary", results_dir=results_dir)\ny = 2')
    notebook(books / "02_never.ipynb", "z = 3")
    log = _Log(quiet=True)
    run = report.start_notebooks(tmp_path / "out", log, {"folder": None}, sections=["vocabulary"])
    time.sleep(0.5)
    t0 = time.monotonic()
    run.cancel()
    first = run.jobs[0][2].result(timeout=60)  # returns: the waiting notebook stopped
    assert first[0] is not None and "interrupted" in first[0]
    assert run.jobs[1][2].cancelled() or run.jobs[1][2].result(timeout=60)[0] is not None
    assert time.monotonic() - t0 < 60


def test_a_cell_naming_no_section_waits_for_all_of_them(tmp_path, books):
    saved, started, reached = tmp_path / "saved", tmp_path / "started", tmp_path / "reached"
    notebook(
        books / "01_all.ipynb",
        f"from pathlib import Path\nPath({str(started)!r}).touch()",
        f"x = results_dir\nPath({str(reached)!r}).touch()\nassert Path({str(saved)!r}).exists()",
    )
    log = _Log(quiet=True)
    run = report.start_notebooks(tmp_path / "out", log, {"results_dir": None}, sections=["themes", "topics"])
    run.section_done("themes")
    wait_for_file(started, "the first cell never ran")
    time.sleep(1.0)  # still waiting for topics
    assert not reached.exists() and not run.jobs[0][2].done()
    saved.touch()
    run.section_done("topics")
    assert report.finish_notebooks(run, log, []) == 0, log.problems


def test_the_notebooks_share_one_kernel_and_each_starts_from_a_fresh_state(tmp_path, books):
    pid_1, pid_2 = tmp_path / "pid1", tmp_path / "pid2"
    notebook(
        books / "01_changes.ipynb",
        "import os, warnings\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport pandas as pd",
        "leak = 1\npd.set_option('display.width', 33)\nmatplotlib.rcParams['lines.linewidth'] = 9.5\n"
        "warnings.filterwarnings('error')\nfig = plt.figure()\n"
        "import sys\nsys.path.insert(0, '/nowhere')\nos.chdir('/')",
        f"from pathlib import Path\nPath({str(pid_1)!r}).write_text(str(os.getpid()))",
    )
    notebook(
        books / "02_sees.ipynb",
        "import os, sys, warnings\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport pandas as pd",
        "assert 'leak' not in globals() and 'fig' not in globals()\n"
        "assert pd.get_option('display.width') == 80\n"
        "assert matplotlib.rcParams['lines.linewidth'] == matplotlib.rcParamsDefault['lines.linewidth']\n"
        "assert not plt.get_fignums()\n"
        "assert not any(f[0] == 'error' and f[2] is Warning for f in warnings.filters)\n"
        "assert get_ipython().execution_count == 5  # in the 4th cell (params, injected, imports, this) a fresh kernel says 5\n"
        "assert 'pandas' in sys.modules\n"
        "assert '/nowhere' not in sys.path and os.getcwd() != '/'\n"
        "assert os.environ.get('ANALYSIS_SHARED_KERNEL') == '1'  # RunContext.from_folder reuses its corpus",
        f"from pathlib import Path\nPath({str(pid_2)!r}).write_text(str(os.getpid()))",
    )
    log = _Log(quiet=True)
    run = report.start_notebooks(tmp_path / "out", log, {"folder": None})
    assert report.finish_notebooks(run, log, []) == 0, log.problems
    assert pid_1.read_text() == pid_2.read_text()  # one kernel process ran both
    second = nbformat.read(str(tmp_path / "out" / "02_sees.ipynb"), as_version=4)
    assert [c.execution_count for c in second.cells if c.cell_type == "code"] == [1, 2, 3, 4, 5]
    assert run.kernel.km is None  # shut down after the last notebook


def test_a_kernel_that_died_is_replaced_for_the_next_notebook(tmp_path, books):
    ran = tmp_path / "ran"
    notebook(books / "01_dies.ipynb", "import os\nos._exit(1)")
    notebook(books / "02_runs.ipynb", f"from pathlib import Path\nPath({str(ran)!r}).touch()")
    log = _Log(quiet=True)
    run = report.start_notebooks(tmp_path / "out", log, {"folder": None})
    links: list = []
    assert report.finish_notebooks(run, log, links) == 1
    assert [status for _, _, status in links] == ["failed", "ok"]
    assert "01_dies" in log.problems[0]["file"] and ran.exists()


def test_the_export_process_answers_each_notebook_and_goes_on_after_a_bad_one(tmp_path):
    good = notebook(tmp_path / "good.ipynb", "print('Hallo <Welt>')")
    exports = report.HtmlExports()
    exports.submit(tmp_path / "missing.ipynb")
    exports.submit(good)
    answers = exports.results()
    assert answers[tmp_path / "missing.ipynb"].startswith("error: FileNotFoundError")
    assert answers[good] == "ok"
    page = (tmp_path / "good.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "<script" not in page


def test_pyplot_has_its_backend_before_the_notebook_thread_starts():
    # in a fresh interpreter: pyplot must not choose its backend later, at the report's first figure,
    # while the notebook thread is half-way through importing IPython (the figure failed then)
    import os
    import subprocess
    import sys

    code = (
        "import matplotlib, matplotlib.backend_bases, matplotlib.pyplot as plt\n"
        "from matplotlib import rcsetup\n"
        "assert matplotlib.backend_bases.FigureCanvasBase._fix_ipython_backend2gui.cache_info().misses == 0\n"
        "assert matplotlib.rcParams._get('backend') is rcsetup._auto_backend_sentinel\n"
        "from analysis.report.notebooks import _settle_pyplot\n"
        "_settle_pyplot()\n"
        "assert matplotlib.rcParams._get('backend') is not rcsetup._auto_backend_sentinel\n"
        "assert plt._REPL_DISPLAYHOOK is not plt._ReplDisplayHook.NONE\n"
        # the canvas classes looked at IPython (a call cached per class): a later figure does not
        "looks = matplotlib.backend_bases.FigureCanvasBase._fix_ipython_backend2gui.cache_info\n"
        "assert looks().misses > 0, looks()\n"
        "before = looks().misses\n"
        "plt.close(plt.figure())\n"
        "assert looks().misses == before, looks()\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # pyplot chooses, as for a user
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
