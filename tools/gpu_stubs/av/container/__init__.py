"""Stand-in: see av/__init__.py."""

from av import _Placeholder


class InputContainer(_Placeholder):
    pass


class OutputContainer(_Placeholder):
    pass


def __getattr__(name: str):
    return type(name, (_Placeholder,), {})
