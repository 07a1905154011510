"""Keeping channel secrets out of everything a person or a log file can read.

A robot's URL is itself a credential: whoever has WeCom's `key=`, DingTalk's
`access_token=` or Feishu's hook id can post into the group. Signing secrets, SMTP
passwords and the computed `sign` (a replayable token for an hour) are no better. Error
text comes from libraries we do not control (requests prints the whole URL, smtplib the
server's reply), so masking happens twice: the values a config knows are replaced
literally wherever they appear (also URL-encoded), and anything that merely looks like a
credential in a URL (a secret-named query parameter, a webhook hook id, a password in the
authority) is masked by pattern, for values no config told us about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

MASK = "****"

# Query parameters whose value is a credential or a signature, in any URL we print.
SECRET_PARAMS = ("key", "access_token", "token", "sign", "signature", "secret", "password",
                 "apikey", "api_key", "auth", "code")
_PARAM = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)([^&\s'\"<>#]+)")
# The id in a robot's path: Feishu /open-apis/bot/v2/hook/<id>, Slack-style /hooks/<id>.
_HOOK_PATH = re.compile(r"(/hooks?/)([^/?#\s'\"<>]+)")
# user:password@ in a URL's authority.
_USERINFO = re.compile(r"(://[^/\s:@'\"<>]+:)([^@\s/'\"<>]+)@")


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with each known secret (as is and URL-encoded) and every URL credential
    replaced by ****."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, MASK)
    text = _PARAM.sub(lambda m: m.group(1) + MASK, text)
    text = _HOOK_PATH.sub(lambda m: m.group(1) + MASK, text)
    return _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)


def url_secrets(url: str) -> tuple[str, ...]:
    """The credential values inside a URL (secret-named query values, a hook id in the
    path, a password), so they can also be masked where they appear without their name,
    e.g. in an error that quotes only part of the URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ()
    found = [value for name, value in parse_qsl(parts.query, keep_blank_values=False)
             if name.lower() in SECRET_PARAMS]
    found += [m.group(2) for m in _HOOK_PATH.finditer(parts.path)]
    try:
        if parts.password:
            found.append(parts.password)
    except ValueError:
        pass
    return tuple(v for v in found if v)
