"""Checks that span the parts of an import: repeated keys and references between entities.

An entity may be assembled from several parts (Bibitor's stores come from two fact files), so
a key must be unique across all of them, not only within one file. A `distinct` part is the
exception by design: it collects the keys that fact rows name, so its repeats — and rows whose
key another part already provides — are dropped (and counted), never reported as errors.
A row of an ordinary part always wins over a distinct one, whatever their order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from data_connectors.import_report import combine_problems, no_problems, problem_frame
from data_connectors.row_validation import (
    LINE,
    ValidatedTable,
    unique_key,
    unknown_reference_problems,
)

_PART, _POS, _DISTINCT = "_part", "_pos", "_distinct"


def key_problems(parts: Sequence[ValidatedTable]) -> list[pd.DataFrame]:
    """Duplicate-key problems per part (all parts of one entity, in mapping order).

    Rows a distinct part repeats are removed from its frame here, with a warning.
    """
    result = [no_problems() for _ in parts]
    if not parts:
        return result
    entity = parts[0].entity
    distinct = [bool(t.part and t.part.distinct) for t in parts]
    key = list(unique_key(entity))  # sales and receipts have none (import_plan refuses distinct)
    usable = [i for i, t in enumerate(parts) if key and set(key) <= set(t.present)]
    if not usable:
        return result
    rows = pd.concat(
        [
            parts[i].frame.loc[parts[i].frame[key].notna().all(axis=1), [*key, LINE]].assign(
                **{_PART: i, _POS: lambda f: f.index, _DISTINCT: distinct[i]}
            )
            for i in usable
        ],
        ignore_index=True,
    ).sort_values([_DISTINCT, _PART, _POS], kind="stable")
    repeated = rows.duplicated(subset=key, keep="first")
    firsts = rows.groupby(key, sort=False)[[LINE, _PART]].transform("first")
    for i in usable:
        mine = repeated & (rows[_PART] == i)
        if not mine.any():
            continue
        if distinct[i]:
            _drop_repeats(parts[i], rows.loc[mine, _POS].to_numpy(), key)
        else:
            result[i] = _duplicate_problems(parts, i, rows[mine], firsts[mine], key)
    return result


def _drop_repeats(table: ValidatedTable, positions: np.ndarray, key: list[str]) -> None:
    table.frame = table.frame.drop(index=positions).reset_index(drop=True)
    label = key[0] if len(key) == 1 else "key"
    table.warnings.append(
        f"{len(positions):,} rows repeat a {label} already taken; the first is kept "
        "(distinct: true)"
    )


def _duplicate_problems(
    parts: Sequence[ValidatedTable],
    index: int,
    dups: pd.DataFrame,
    firsts: pd.DataFrame,
    key: list[str],
) -> pd.DataFrame:
    """'duplicate sku_id; first at line 2' (naming the other file when it is another one)."""
    shown = dups[key[0]].astype(str)
    for name in key[1:]:
        shown = shown + ", " + dups[name].astype(str)
    files = pd.Series([parts[p].file_name for p in firsts[_PART]], index=dups.index, dtype=object)
    where = ("line " + firsts[LINE].astype(str)).where(
        files == parts[index].file_name, files + " line " + firsts[LINE].astype(str)
    )
    label = key[0] if len(key) == 1 else f"key ({', '.join(key)})"
    reasons = f"duplicate {label}; first at " + where
    return problem_frame(
        parts[index].file_name,
        dups[LINE].to_numpy(),
        reasons.to_numpy(),
        ", ".join(key),
        shown.to_numpy(),
    )


def reference_problems(
    tables: Sequence[ValidatedTable],
    dimension_files: dict[str, str],
    in_database: dict[str, set[str]] | None,
    replace: bool,
) -> list[pd.DataFrame]:
    """Per table, fact rows naming a sku or location known neither to the import nor the target.

    `dimension_files` names where each dimension comes from (e.g. "sku.csv"), for messages;
    `in_database` holds the ids the target already has (None when it is not consulted).
    """
    result = [no_problems() for _ in tables]
    for dim, column in (("sku", "sku_id"), ("location", "location_id")):
        dims = [t for t in tables if t.entity.name == dim]
        if any(column not in t.present for t in dims):
            continue  # the dimension is already rejected; don't flag every fact row too
        known = set().union(*(set(t.frame[column].dropna()) for t in dims))
        if in_database is not None:
            known |= in_database.get(dim, set())
        where = dimension_files.get(dim, f"{dim}.csv")
        where += " or the database" if in_database is not None else ""
        if replace:
            where += " (--mode replace discards the rows now in the database)"
        for i, table in enumerate(tables):
            if table.entity.name not in ("sku", "location"):
                result[i] = combine_problems(
                    [result[i], unknown_reference_problems(table, column, known, where)]
                )
    return result


def wanted_ids(tables: Sequence[ValidatedTable], dim: str, column: str) -> set[str]:
    """Ids that fact rows name but the imported dimension rows do not (ask the target)."""
    known = set().union(
        *(set(t.frame[column].dropna()) for t in tables if t.entity.name == dim),
    )
    facts = [t for t in tables if t.entity.name not in ("sku", "location")]
    named = set().union(*(set(t.frame[column].dropna()) for t in facts if column in t.present))
    return named - known
