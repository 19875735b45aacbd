"""What the desk refuses, in the caller's terms: each refusal has the HTTP status it
means (the command line shows the same message and exits 1 or 2), a stable code and a
message in Chinese and in English."""

from __future__ import annotations

from dutylist.i18n import Lang


class Refused(Exception):
    """A request the desk will not carry out; `status` is its HTTP meaning."""

    status = 400
    code = "invalid"

    def __init__(self, status: int | None, en: str, zh: str, hint: str | None = None) -> None:
        super().__init__(en)
        if status is not None:
            self.status = status
        self.en, self.zh, self.hint = en, zh, hint

    def message(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Denied(Refused):
    """401: nobody signed in; 403: the caller may not do this."""

    code = "denied"

    def __init__(self, status: int, en: str, zh: str) -> None:
        super().__init__(status, en, zh)
        self.code = "unauthorised" if status == 401 else "forbidden"


class NotFound(Refused):
    status = 404
    code = "not-found"


class Conflict(Refused):
    """409: the whistle's state does not allow it (now — another request may have won)."""

    status = 409
    code = "conflict"


class Invalid(Refused):
    """422: the request is well formed but its content is wrong."""

    status = 422
    code = "invalid"
