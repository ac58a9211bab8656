"""One look for every figure: shared matplotlib helpers used by all analysis modules.

Figures are deterministic (no timestamps in metadata) and small: callers pass top-N tables, not
whole corpora. Each helper returns the ``Figure`` so notebooks can show it and the CLI can save it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = [
    "PALETTE",
    "SAVE_DPI",
    "SavedFigure",
    "barh",
    "heatmap",
    "png_width",
    "save",
    "style",
    "text_color",
    "wrap_label",
    "wrap_lines",
]

PALETTE = ["#1b6ca8", "#e07b39", "#3a9e6f", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"]

SAVE_DPI = 200  # figures are saved at twice the screen resolution and shown at half their pixel width
# zlib's level for the PNG files (Pillow's default is 6): the same pixels; measured on the shipped
# corpus's ten figures, 8 % less CPU to save them for files 11 % larger (1.30 MB instead of 1.17)
PNG_COMPRESS_LEVEL = 3

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": SAVE_DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.hashsalt": "german-discourse",
    # labels come from user data (speaker and theme names, file names): "$…$" in them is text,
    # never matplotlib mathtext, which would fail the figure on a malformed formula
    "text.parse_math": False,
}


def style() -> None:
    """Apply the project's matplotlib style (idempotent)."""
    plt.rcParams.update(_STYLE)


def wrap_lines(text: str, width: int = 14, max_lines: int = 3) -> str:
    """Break a long axis label into lines of about ``width`` characters (``…`` only past ``max_lines``)."""
    import textwrap

    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], wrap_label(" ".join(lines[max_lines - 1 :]), width)]
    return "\n".join(lines)


def wrap_label(text: str, width: int = 40) -> str:
    """Shorten long labels for axes: ``"schertler-stille-revolution"`` stays, longer ones get ``…``."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def barh(
    values: pd.Series,
    *,
    title: str = "",
    xlabel: str = "",
    ax: plt.Axes | None = None,
    color: str | Sequence[str] | None = None,
) -> plt.Figure:
    """Horizontal bar chart of a Series (index = labels), largest at the top."""
    style()
    values = values.iloc[::-1]
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 0.3 * len(values) + 1.2))
    else:
        fig = ax.figure
    ax.barh([wrap_label(i) for i in values.index], values.to_numpy(), color=color or PALETTE[0])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig


def heatmap(
    table: pd.DataFrame,
    *,
    title: str = "",
    cmap: str = "Blues",
    fmt: str = "{:.2f}",
    center: float | None = None,
    ax: plt.Axes | None = None,
    colorbar_label: str = "",
    annotations: pd.DataFrame | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    empty: str = "",
    label_width: int = 40,
) -> plt.Figure:
    """Annotated heatmap of a DataFrame (rows × columns).

    ``annotations`` (same shape) gives each cell's text instead of ``fmt``; ``vmin``/``vmax`` fix the
    colour scale (else it spans the data, symmetric around ``center`` when given); missing cells are
    drawn grey with the text ``empty``, so that they never look like a value."""
    style()
    data = table.to_numpy(dtype=float)
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.95 * table.shape[1] + 3.2, 0.45 * table.shape[0] + 1.7))
    else:
        fig = ax.figure
    kwargs = {}
    if vmin is not None or vmax is not None:
        kwargs = {"vmin": vmin, "vmax": vmax}
    elif center is not None and np.isfinite(data).any():
        span = np.nanmax(np.abs(data - center)) or 1.0
        kwargs = {"vmin": center - span, "vmax": center + span}
    ax.set_facecolor("#e6e6e6")  # missing cells (NaN) show the axes background: grey, not a colour of the scale
    im = ax.imshow(data, cmap=cmap, aspect="auto", **kwargs)
    ax.set_xticks(range(table.shape[1]), [wrap_lines(c) for c in table.columns], fontsize=8)
    ax.set_yticks(range(table.shape[0]), [wrap_label(i, label_width) for i in table.index])
    if table.size <= 400:
        for (i, j), v in np.ndenumerate(data):
            if np.isfinite(v):
                text = fmt.format(v) if annotations is None else str(annotations.iat[i, j])
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color=text_color(im.cmap(im.norm(v))))
            elif empty:
                ax.text(j, i, empty, ha="center", va="center", fontsize=7, color="#666666")
    cb = fig.colorbar(im, ax=ax, fraction=0.04)
    if colorbar_label:
        cb.set_label(colorbar_label)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def text_color(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgba`` (relative luminance, WCAG)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # contrast with white (1.05 / (L + 0.05)) against contrast with black ((L + 0.05) / 0.05)
    return "white" if 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 else "black"


def save(fig: plt.Figure, path: str | Path) -> Path:
    """Save ``fig`` as PNG at :data:`SAVE_DPI` without volatile metadata (identical bytes on reruns)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(
        path,
        format="png",
        dpi=SAVE_DPI,
        metadata={"Software": None},
        bbox_inches="tight",
        pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL},
    )
    return path


class SavedFigure:
    """A figure saved by :func:`save`, shown in a notebook as the report shows it: the PNG at half
    its pixel width (it was saved at :data:`SAVE_DPI`, twice the screen resolution). A notebook
    executed by ``python -m analysis run`` gets these from
    :func:`analysis.report.results.section_figures` instead of drawing the figures again."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        # the file's name only: the text an executed notebook stores beside the image holds no
        # path of the run's temporary folder, so two runs give the same notebook
        return f"<SavedFigure {self.path.name}>"

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        data = self.path.read_bytes()
        width, height = png_size(data)
        scale = SAVE_DPI / _STYLE["figure.dpi"]
        return data, {"width": round(width / scale), "height": round(height / scale)}


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG file's bytes (from its IHDR header)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def png_width(path: str | Path) -> int:
    """Pixel width of a PNG file (from its IHDR header)."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    try:
        return png_size(head)[0]
    except ValueError:
        raise ValueError(f"{path}: not a PNG file") from None
