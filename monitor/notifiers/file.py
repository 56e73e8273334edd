"""Write each report as files, one per format, named by list and time, atomically."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from monitor.errors import DeliveryError
from monitor.files import write_atomically
from monitor.kinds import REPORT_FORMATS
from monitor.notifiers.base import Message, Notifier, NotifierSettings

EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json", "html": "html", "atom": "xml"}


def file_formats() -> tuple[str, ...]:
    """HTML is always offered: without an HTML template the text is wrapped in a page."""
    return tuple(dict.fromkeys([*REPORT_FORMATS, "html"]))


class FileSettings(NotifierSettings):
    """directory, formats (html, markdown, json, text)."""

    directory: Path
    formats: tuple[str, ...] = Field(default=("markdown",), min_length=1)

    @field_validator("formats")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if item not in file_formats():
                raise ValueError(
                    f"{item!r} is not a report format; valid formats: {', '.join(file_formats())}"
                )
        return tuple(dict.fromkeys(value))


class FileNotifier(Notifier):
    """Write each report into a folder, one file per format."""

    kind = "file"
    settings_model = FileSettings

    @property
    def options(self) -> FileSettings:
        assert isinstance(self.settings, FileSettings)
        return self.settings

    @property
    def formats(self) -> tuple[str, ...]:
        return self.options.formats

    def paths(self, message: Message) -> list[Path]:
        return [
            self.options.directory / f"{message.name}.{EXTENSIONS.get(f, f)}" for f in self.formats
        ]

    def send(self, message: Message) -> None:
        """The same message always gets the same names: a retry overwrites, never adds."""
        try:
            self.options.directory.mkdir(parents=True, exist_ok=True)
            for fmt, path in zip(self.formats, self.paths(message), strict=True):
                write_atomically(path, message.parts[fmt])
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.options.directory}: {exc}") from None
