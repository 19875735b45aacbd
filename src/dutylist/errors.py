"""User-facing failures that are not findings: the command line or a case is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dutylist.i18n import Lang, default_lang, render_message


class UsageError(Exception):
    """A mistake on the command line (exit 2): one line of reason, one of hint."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint

    def localised(self, lang: Lang) -> tuple[str, str | None]:
        """The reason and the hint in `lang` (plain usage errors have one wording)."""
        return self.reason, self.hint


class CaseError(UsageError):
    """A case that cannot be answered as given, from the command line or the Python API
    alike: an unknown problem (DL601) or place (DL602), an attribute the problem does not
    declare (DL603), a value outside the declared ones (DL604), a value of the wrong type
    (DL605), a number that is not finite (DL606). `dutylist explain DL60x` documents each.

    The message is a template (`dutylist.messages`) rendered in the user's language;
    `hint` is a mapping {"en": ..., "zh": ...} or text, shown on its own line.
    """

    def __init__(
        self,
        code: str,
        args: Mapping[str, Any],
        hint: Mapping[str, str] | str | None = None,
        variant: str | None = None,
    ) -> None:
        self.code = code
        self.message_key = f"{code}.{variant}" if variant else code
        self.message_args = dict(args)
        self.hint_text = hint
        reason, shown_hint = self.localised(default_lang())
        super().__init__(reason, shown_hint)

    def localised(self, lang: Lang) -> tuple[str, str | None]:
        reason = render_message(self.message_key, self.message_args, lang)
        hint = self.hint_text
        if isinstance(hint, Mapping):
            return reason, hint[lang]
        return reason, hint

    def __reduce__(self) -> Any:  # picklable across processes, like any exception
        return (CaseError, (self.code, self.message_args, self.hint_text))
