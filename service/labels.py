"""Display labels of a source's stored values in one language (data_connectors/labels.py).

The pages translate what they show through these, never what they filter by: a value is
stored, linked and saved in the source's language; only its text on screen follows the
UI's. Cached per data version and language, like the filter choices.
"""

from __future__ import annotations

import sqlalchemy as sa

from data_connectors.labels import LABEL_TABLE, labels_statement
from data_connectors.source import Source
from service import sources
from service.execute import fetch_rows, mapped_errors
from service.principal import Principal, require
from service.queries import _cached_small


def _read(src: Source, lang: str) -> dict[str, dict[str, str]]:
    with mapped_errors(src):
        present = sa.inspect(src.engine).has_table(LABEL_TABLE)
    if not present:
        return {}
    out: dict[str, dict[str, str]] = {}
    for column, value, label in fetch_rows(src, labels_statement(lang), "value labels")[1]:
        out.setdefault(str(column), {})[str(value)] = str(label)
    return out


def value_labels(principal: Principal, source: str | Source | None,
                 lang: str) -> dict[str, dict[str, str]]:
    """{column → {stored value → label in `lang`}} (columns: region, category, sku_name…);
    empty when the source carries no labels for `lang` (a company source, or the language
    the source is stored in). Names only, no numbers: not narrowed by scope, since a label
    is only ever looked up for a value the principal's own query returned."""
    require(principal)
    lang = lang.strip().lower().replace("_", "-").split("-")[0]
    src = sources.resolve(source)
    key = ("labels", sources.version_key(src), lang)
    return _cached_small(key, lambda: _read(src, lang))
