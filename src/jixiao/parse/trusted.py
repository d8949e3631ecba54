"""Models built from values that already have their fields' types, without validating them.

The parser builds tens of thousands of indicators and amounts per document from values it made
itself (text cut from the source, floats, ints, shared Targets). Pydantic's validator would only
copy them, at a cost close to the rest of the parse of an indicator. The tests compare what these
build with validated models (``test_indicators``, ``test_amounts``).
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

__all__ = ["trusted"]

M = TypeVar("M", bound=BaseModel)

_new_object = object.__new__
_set = object.__setattr__


def trusted(cls: type[M], values: dict, fields_set: set[str] | frozenset[str]) -> M:
    """What ``cls(**{k: values[k] for k in fields_set})`` builds, without validating.

    ``values`` holds every field of ``cls``, in declared order (the order validation gives
    ``__dict__``), and becomes the model's ``__dict__``. A frozen ``fields_set`` may be shared by
    many models only where ``cls`` copies it before an assignment (``Indicator.__setattr__``).
    """
    obj = _new_object(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj
