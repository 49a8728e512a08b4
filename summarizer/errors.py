"""The exceptions nttr raises on purpose; the CLI prints each as one line, never a traceback.

    NttrError
    ├── InputError      a file, folder or feed that cannot be used
    │   ├── MissingInput    a named file or folder does not exist
    │   └── NoUsableInput   nothing usable left after skipping the bad inputs
    ├── ConfigError     a setting with a wrong value, or an unknown name (algorithm, model)
    ├── ModelError      the embedding model cannot be loaded
    ├── StateError      the state store is locked by another run, or unreadable
    └── DeliveryError   the mail server refused, or is unreachable

Every message names the culprit (path, line, setting, address) and says what to do next.
"""

from __future__ import annotations


class NttrError(Exception):
    """Base of every error nttr raises on purpose."""


class InputError(NttrError):
    """An input (file, folder, feed) cannot be used."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class MissingInput(InputError):
    """Named files or folders that do not exist."""

    def __init__(self, paths: list[str], hint: str = "") -> None:
        self.path = ", ".join(paths)
        self.reason = "no such file or folder"
        NttrError.__init__(self, f"no such file or folder: {self.path}{hint}")


class NoUsableInput(InputError):
    """Nothing usable was left after skipping the bad inputs."""


class ConfigError(NttrError):
    """A setting has a wrong value, or names something unknown."""


class ModelError(NttrError):
    """The embedding model cannot be loaded."""


class StateError(NttrError):
    """The state store is locked by another run, or cannot be read."""


class DeliveryError(NttrError):
    """An email could not be delivered."""
