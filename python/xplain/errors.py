"""Exceptions raised by xplain: one class per libxplain return code.

Every class derives from :class:`XplainError` (``code``: the library's
negative ``XPL_E*`` value; ``str(e)``: the library's message, which says
where and what) and from the built-in exception a Python user would expect,
so ``except ValueError`` also catches a malformed file or a shape mismatch.
"""


class XplainError(Exception):
    """A libxplain call failed; ``code`` is its XPL_E* return code."""

    code = 0

    def __init__(self, message, code=None):
        super().__init__(message)
        if code is not None:
            self.code = code


class InvalidArgumentError(XplainError, ValueError):
    """XPL_EINVAL: a bad argument or option."""
    code = -1


class OutOfMemoryError(XplainError, MemoryError):
    """XPL_ENOMEM."""
    code = -2


class FileError(XplainError, OSError):
    """XPL_EIO: a file cannot be opened, read or written."""
    code = -3


class FormatError(XplainError, ValueError):
    """XPL_EFORMAT: malformed input (model file, JSON, CSV)."""
    code = -4


class VersionError(XplainError, ValueError):
    """XPL_EVERSION: a file format version this library cannot read."""
    code = -5


class ShapeError(XplainError, ValueError):
    """XPL_ESHAPE: dimensions or feature names do not match."""
    code = -6


class NumericError(XplainError, ArithmeticError):
    """XPL_ENUMERIC: a numerical routine failed or met non-finite values."""
    code = -7


class LimitError(XplainError, ValueError):
    """XPL_ELIMIT: a documented size limit was exceeded."""
    code = -8


class UnsupportedError(XplainError, NotImplementedError):
    """XPL_EUNSUPPORTED: valid input this version cannot handle."""
    code = -9


class CallbackError(XplainError, RuntimeError):
    """XPL_EUSER: a wrapped Python model failed; the Python exception it
    raised is chained as ``__cause__``."""
    code = -10


class ClosedError(InvalidArgumentError):
    """A closed Model or Explainer was used (Model.close, Explainer.close,
    or the end of a ``with`` block)."""


_BY_CODE = {c.code: c for c in (
    InvalidArgumentError, OutOfMemoryError, FileError, FormatError,
    VersionError, ShapeError, NumericError, LimitError, UnsupportedError,
    CallbackError)}


def error_for(code, message):
    """The exception for a return code and message."""
    cls = _BY_CODE.get(code, XplainError)
    return cls(message, code)
