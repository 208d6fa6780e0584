"""Import aiogram without building all of its Telegram types and methods up front.

aiogram declares ~440 types with pydantic's `defer_build=True`, then calls `model_rebuild()`
on every one of them at import to resolve their forward references, which builds them all
anyway, and builds its ~160 API methods as they are defined: ~3 s and ~100 MB here, for
models the bot mostly never uses (aiogram issues #1876, #1891). While aiogram is imported,
that rebuild only hands each type's module the names its annotations refer to, and the
methods are deferred too; each model is then built on its first use, as `defer_build` intends.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from pydantic._internal._config import ConfigWrapper

DEFERRED = ("aiogram.types.", "aiogram.methods.")


def import_aiogram() -> None:
    """Import aiogram with deferred models; a no-op once aiogram is imported."""
    if "aiogram" in sys.modules:
        return
    with _deferred_builds():
        importlib.import_module("aiogram.types")


@contextmanager
def _deferred_builds() -> Iterator[None]:
    rebuild_method = vars(BaseModel)["model_rebuild"]
    for_model_method = vars(ConfigWrapper)["for_model"]
    rebuild, for_model = rebuild_method.__func__, for_model_method.__func__

    def resolve_later(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Mapping[str, Any] | None = None,
    ) -> bool | None:
        if _types_namespace is None or force or not cls.__module__.startswith(DEFERRED):
            return rebuild(  # type: ignore[no-any-return]
                cls,
                force=force,
                raise_errors=raise_errors,
                _parent_namespace_depth=_parent_namespace_depth + 1,
                _types_namespace=_types_namespace,
            )
        module = vars(sys.modules[cls.__module__])
        for name, value in _types_namespace.items():
            module.setdefault(name, value)  # what `if TYPE_CHECKING:` imports left out
        return None

    def deferred_config(cls: type[ConfigWrapper], *args: Any) -> ConfigWrapper:
        wrapper: ConfigWrapper = for_model(cls, *args)
        namespace = args[1]
        if str(namespace.get("__module__", "")).startswith(DEFERRED):
            wrapper.config_dict["defer_build"] = True
        return wrapper

    BaseModel.model_rebuild = classmethod(resolve_later)  # type: ignore[method-assign,assignment]
    ConfigWrapper.for_model = classmethod(deferred_config)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        BaseModel.model_rebuild = rebuild_method  # type: ignore[method-assign]
        ConfigWrapper.for_model = for_model_method  # type: ignore[method-assign]
