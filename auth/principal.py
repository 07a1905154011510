"""The Principal of a web request: whom the query service answers a page, a callback or
an API call for.

Built from the request's identity (auth/identity.py): an admin, an executive or demo mode
see all data; a manager, an API token or a wall token their scope; a request nobody is
behind gets NOBODY (a scope that matches no row). Outside a request there is no
principal to take: code that runs there (the CLI, background jobs) passes its own,
explicitly — this raises MissingPrincipal rather than answer "everything".
"""

from __future__ import annotations

from flask import has_request_context

from auth.identity import current_user
from service.principal import NOBODY, MissingPrincipal, Principal


def request_principal() -> Principal:
    """The principal of the current request (cached on the identity for the request)."""
    if not has_request_context():
        raise MissingPrincipal("no request: pass a Principal explicitly")
    user = current_user()
    if user is None:
        return NOBODY
    return Principal.scoped(user.name, user.via, user.scope)
