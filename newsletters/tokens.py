"""Signed, expiring links for people without an account: confirm a subscription,
unsubscribe with one click, change preferences.

Each purpose has its own salt, so a token made for one purpose is refused for
another; each carries its own timestamp and expires. Nothing is stored: the
signature (django.core.signing, keyed by SECRET_KEY) is the proof.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

CONFIRM_SALT = "newsletters.subscription.confirm"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"
PREFERENCES_SALT = "newsletters.preferences"

CONFIRM_VALID_FOR = timedelta(days=7)
# Links in newsletters keep working for a year; the newest infobrev always carries a fresh one.
UNSUBSCRIBE_VALID_FOR = timedelta(days=365)
PREFERENCES_VALID_FOR = timedelta(days=365)


class TokenInvalid(Exception):
    """The link was changed or is not one of ours."""


class TokenExpired(Exception):
    """The link was ours, but it is too old."""


@dataclass(frozen=True)
class ListToken:
    email: str
    list_id: int


@dataclass(frozen=True)
class CountyToken:
    email: str
    county_id: int


def _make(payload: dict, salt: str) -> str:
    return signing.dumps(payload, salt=salt, compress=True)


def _read(token: str, salt: str, max_age: timedelta) -> dict:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(payload, dict):
        raise TokenInvalid
    return payload


def _list_token(payload: dict) -> ListToken:
    try:
        return ListToken(email=str(payload["e"]), list_id=int(payload["l"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid from exc


def make_confirm_token(email: str, list_id: int) -> str:
    return _make({"e": email, "l": list_id}, CONFIRM_SALT)


def read_confirm_token(token: str) -> ListToken:
    return _list_token(_read(token, CONFIRM_SALT, CONFIRM_VALID_FOR))


def make_unsubscribe_token(email: str, list_id: int) -> str:
    return _make({"e": email, "l": list_id}, UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> ListToken:
    return _list_token(_read(token, UNSUBSCRIBE_SALT, UNSUBSCRIBE_VALID_FOR))


def make_preferences_token(email: str, county_id: int) -> str:
    return _make({"e": email, "c": county_id}, PREFERENCES_SALT)


def read_preferences_token(token: str) -> CountyToken:
    payload = _read(token, PREFERENCES_SALT, PREFERENCES_VALID_FOR)
    try:
        return CountyToken(email=str(payload["e"]), county_id=int(payload["c"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid from exc
