"""The one base every JSON contract derives from."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer
from pydantic.alias_generators import to_camel


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

    @model_serializer(mode="wrap")
    def _omit_unset_nones(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name, field in type(self).model_fields.items():
                if name not in self.model_fields_set and getattr(self, name, None) is None:
                    data.pop(field.serialization_alias or field.alias or name, None)
                    data.pop(name, None)
        return data


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
