"""Language data kept as data: one folder per language (``de/``), each file with its source and licence
in a header. Read with ``importlib.resources.files("analysis.lang.de")``."""
