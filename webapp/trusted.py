"""Models built from values the app made itself, without validating them again.

Validation is for what comes from outside. The demo generator (about 240 models per account,
on the server's event loop) and the report's per-post rows (built in the analysis worker from
values already checked) only make valid values: every field given, in declaration order;
non-empty ids and handles; counts of at least zero; datetimes already in UTC. So they can skip
validation, as `BaseModel.model_construct` does; that method, though, resolves aliases and
defaults field by field and costs twice a validation, so `trusted` sets the same four
attributes directly. tests/pipeline/test_pipeline_demo_shortcuts.py validates generated
accounts against the models and tests/pipeline/test_pipeline_post_rows.py the rows, so a value
the models would reject, or a pydantic release that lays models out differently, fails there.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

# BaseModel defines neither __new__ nor a usable __setattr__ for these (its own validates and
# tracks assignments), so the object ones make the bare instance and fill its slots.
_new = object.__new__
_set = object.__setattr__


def trusted(model: type[M], **fields: object) -> M:
    """A `model` holding `fields` as they are: every field, in declaration order, valid."""
    instance = _new(model)
    _set(instance, "__dict__", fields)
    _set(instance, "__pydantic_fields_set__", set(fields))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance
