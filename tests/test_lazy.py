"""Names a package imports on first use (``analysis._lazy``)."""

from __future__ import annotations

import pytest


def test_lazy_names_are_imported_once_and_unknown_names_fail():
    import analysis.report as report

    report.__dict__.pop("write_csv", None)  # as if never asked for
    first = report.write_csv
    assert first.__module__ == "analysis.report.results"
    assert report.__dict__["write_csv"] is first  # kept in the package after the first use
    assert "write_csv" in dir(report) and "run_report" in dir(report)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        report.nonsense  # noqa: B018
