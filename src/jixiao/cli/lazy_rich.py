"""rich's classes and functions, imported when first used rather than when a command module is.

``jixiao --help`` imports every command module; their rich imports (console, table, panel, progress,
markup) were a fifth of its CPU time (issue 17, benchmarks/startup_bench.py) and none of them is
used to print the help. Each name here stands for the real one: calling it, or reading an attribute
(``Text.assemble``), imports the module then. ``isinstance`` against these names does not work: use
the real class, imported where it is needed.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["BarColumn", "MofNCompleteColumn", "Panel", "Progress", "Table", "Text", "TextColumn",
           "TimeElapsedColumn", "escape"]


class _Deferred:
    __slots__ = ("_module", "_name", "_real")

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name
        self._real: Any = None

    def _get(self) -> Any:
        if self._real is None:
            self._real = getattr(importlib.import_module(self._module), self._name)
        return self._real

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._get()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{self._name}>"


BarColumn = _Deferred("rich.progress", "BarColumn")
MofNCompleteColumn = _Deferred("rich.progress", "MofNCompleteColumn")
Panel = _Deferred("rich.panel", "Panel")
Progress = _Deferred("rich.progress", "Progress")
Table = _Deferred("rich.table", "Table")
Text = _Deferred("rich.text", "Text")
TextColumn = _Deferred("rich.progress", "TextColumn")
TimeElapsedColumn = _Deferred("rich.progress", "TimeElapsedColumn")
escape = _Deferred("rich.markup", "escape")


class LazyConsole:
    """A ``rich.console.Console`` made on first use, exactly as it would have been made at import.

    The console reads the environment (COLUMNS, LINES, TERM, NO_COLOR …) when it is made; that is
    done with the environment as it was when this was created (the module's import, as before), and
    afterwards it reads the live environment, as a console made at import does. ``console`` is the
    real one, for what needs a Console itself (``Progress(console=…)``).
    """

    __slots__ = ("_kwargs", "_environ", "_console")

    def __init__(self, **kwargs: Any) -> None:
        import os

        object.__setattr__(self, "_kwargs", kwargs)
        object.__setattr__(self, "_environ", dict(os.environ))
        object.__setattr__(self, "_console", None)

    @property
    def console(self) -> Any:
        if self._console is None:
            import os

            from rich.console import Console

            c = Console(**self._kwargs, _environ=self._environ)
            c._environ = os.environ  # afterwards the live environment, as a console made at import reads it
            object.__setattr__(self, "_console", c)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.console, name, value)
