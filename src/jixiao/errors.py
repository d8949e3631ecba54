"""Errors a user can cause, each with a one-line message (Chinese first)."""

from __future__ import annotations

__all__ = ["ConfigError", "JixiaoError", "ParseError", "ReadError", "UsageError"]


class JixiaoError(Exception):
    """Base of every error jixiao reports to a user instead of a traceback."""

    #: process exit code the CLI uses for this error
    exit_code = 1

    def __init__(self, message: str, *, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class ReadError(JixiaoError):
    """The input could not be turned into text (missing, binary, too large, undecodable)."""


class ParseError(JixiaoError):
    """The text was read but holds nothing jixiao recognises as a performance-target table."""


class UsageError(JixiaoError):
    """The command was called wrongly."""

    exit_code = 2


class ConfigError(UsageError):
    """A review configuration (TOML) names an unknown rule or setting, or a value of the wrong type."""
