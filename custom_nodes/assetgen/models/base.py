"""The one base every JSON contract derives from."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)
from pydantic.alias_generators import to_camel

from assetgen.errors import InvalidInput


class Contract(BaseModel):
    """camelCase on disk, snake_case in Python; unknown (hand-added) fields are kept, never dropped.

    Optional fields that were never set are left out when serialising, so reading a file and
    writing it back adds no ``null`` noise; an explicit ``null`` in the input is written back.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
    )

    # Set by ``mark_from_file`` on every object read from a file: then fields the file did not have and
    # that still hold their default are not written back, so a hand-written (or AssetGenerator) file
    # gains no keys when assetgen edits one field of it.
    _from_file: bool = PrivateAttr(default=False)

    def __eq__(self, other: object) -> bool:
        """Equal when type, fields and kept unknown fields are equal (where it was read from does not count)."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        return (
            type(self) is type(other)
            and self.__dict__ == other.__dict__
            and self.__pydantic_extra__ == other.__pydantic_extra__
        )

    __hash__ = None  # type: ignore[assignment]

    @model_serializer(mode="wrap")
    def _omit_unset_nones(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            unset = type(self).model_fields.keys() - self.model_fields_set
            if not unset:
                return data
            from_file = self._from_file
            fields = _omit_rules(type(self))
            values = self.__dict__
            for name in unset:
                keys, optional = fields[name]
                value = values.get(name)
                if value is None or (from_file and optional and value == _default_of(type(self), name)):
                    for key in keys:
                        data.pop(key, None)
        return data


# Per contract class: each field's keys in the serialised dict and whether it is optional; and each
# optional field's default, made once (every record write serialises every nested contract, and asking
# pydantic per field per write was a tenth of the worker's CPU). Defaults are only compared, never handed out.
_OMIT_RULES: dict[type, dict[str, tuple[tuple[str, ...], bool]]] = {}
_DEFAULTS: dict[tuple[type, str], Any] = {}


def _omit_rules(cls: type[BaseModel]) -> dict[str, tuple[tuple[str, ...], bool]]:
    rules = _OMIT_RULES.get(cls)
    if rules is None:
        rules = {
            name: (
                tuple(dict.fromkeys((field.serialization_alias or field.alias or name, name))),
                not field.is_required(),
            )
            for name, field in cls.model_fields.items()
        }
        _OMIT_RULES[cls] = rules
    return rules


def _default_of(cls: type[BaseModel], name: str) -> Any:
    key = (cls, name)
    if key not in _DEFAULTS:
        _DEFAULTS[key] = cls.model_fields[name].get_default(call_default_factory=True)
    return _DEFAULTS[key]


def mark_from_file(value: Any) -> None:
    """Mark every contract inside ``value`` (models, lists, dicts) as read from a file (see ``_from_file``)."""
    if isinstance(value, BaseModel):
        if isinstance(value, Contract):
            value._from_file = True
        children: Any = value.__dict__.values()  # the declared fields (extras live elsewhere)
    elif isinstance(value, dict):
        children = value.values()
    elif isinstance(value, list | tuple):
        children = value
    else:
        return
    for child in children:
        # Every record read walks its whole tree: strings and numbers, most of it, are not visited.
        if isinstance(child, _CONTAINERS):
            mark_from_file(child)


_CONTAINERS = (BaseModel, dict, list, tuple)


class Record(Contract):
    """A JSON file with an id and timestamps (every file under a project folder)."""

    id: str = Field(description="Record id; also the file name without .json.")
    created_at: str | None = Field(default=None, description="ISO 8601 creation time.")
    updated_at: str | None = Field(default=None, description="ISO 8601 time of the last change.")


class Size(Contract):
    """A width and height in pixels."""

    w: int = Field(ge=0)
    h: int = Field(ge=0)


class Rect(Contract):
    """A pixel rectangle, origin top-left."""

    x: int
    y: int
    w: int = Field(ge=0)
    h: int = Field(ge=0)


class Point(Contract):
    """A normalised point (0..1 of a width/height), e.g. a pivot."""

    x: float = 0.5
    y: float = 0.5


M = TypeVar("M", bound=BaseModel)


def describe_validation_error(where: str, exc: ValidationError) -> str:
    """One line per problem, each naming the file and the field path."""
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return f"{where}: " + "; ".join(parts) + more


def parse_model(model: type[M], data: Any, *, where: str) -> M:
    """Validate ``data`` as ``model``; a failure becomes InvalidInput naming ``where`` and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(where, exc)) from exc
