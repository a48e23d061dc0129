"""A stand-in for PyAV on an offline GPU check host (tools/gpu_check.sh), used only when ``av`` is missing.

ComfyUI 0.3.75 imports ``av`` at start-up (comfy_api's video types), and its wheel (~40 MB) does not fit
the files such a host can be handed. Image generation never touches video: every name here is a
placeholder class, and opening a container raises, so a video node fails with a clear message.
"""

__version__ = "0.0.0+assetgen-stand-in"
time_base = 1_000_000


class _Placeholder:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            "PyAV is not installed on this host (tools/gpu_check.sh stand-in): no video support"
        )

    @classmethod
    def from_ndarray(cls, *args, **kwargs):
        cls()


def open(*args, **kwargs):
    raise RuntimeError("PyAV is not installed on this host (tools/gpu_check.sh stand-in): no video support")


def __getattr__(name: str):
    return type(name, (_Placeholder,), {})
