"""The benchmarks' corpus: the generator lives in the package (``jixiao synth`` uses it too)."""

from jixiao.synth import *  # noqa: F403
from jixiao.synth import __all__  # noqa: F401
