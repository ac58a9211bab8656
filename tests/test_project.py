"""Project hygiene: dependency lists agree, README documents the commands, data has a licence note."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"]} | {_name(d) for d in project["optional-dependencies"]["test"]}
    import yaml  # PyYAML comes with jupyter; safe_load never builds objects

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(d) for d in conda + pip} - {"python", "pip"}
    assert wanted == listed


def test_required_packages_are_dependencies():
    deps = {_name(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert {"pandas", "matplotlib", "scikit-learn", "nltk", "jupyterlab", "nbval"} <= deps


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci
    assert "make run" in readme


def test_every_module_and_subpackage_has_tests():
    """Tests mirror the package: a top-level module ``analysis/X.py`` has ``tests/test_X.py``; a
    subpackage ``analysis/P/`` has test modules in ``tests/P/`` (or ``tests/test_P*.py``)."""
    tests = {p.relative_to(ROOT / "tests").as_posix() for p in (ROOT / "tests").rglob("test_*.py")}
    untested = []
    for path in sorted((ROOT / "analysis").iterdir()):
        if path.suffix == ".py" and not path.stem.startswith("_"):
            if f"test_{path.stem}.py" not in tests:
                untested.append(path.name)
        elif path.is_dir() and (path / "__init__.py").is_file():
            if not any(t.startswith(f"{path.name}/") or t.startswith(f"test_{path.name}") for t in tests):
                untested.append(f"{path.name}/")
    assert not untested, f"without tests: {untested}"
