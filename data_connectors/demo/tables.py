"""IDs and localized names for the dimension tables (sku, location) and the suppliers.

IDs are ASCII and locale-independent (SKU00001, ST001, EC01, DC01), so the same fact rows
join to either locale's names. This is the only module that looks at names.py.
"""

from __future__ import annotations

import numpy as np

from data_connectors.demo import names
from data_connectors.demo.catalog import Catalog
from data_connectors.demo.seasons import CHANNELS, ONLINE, STORE, WHOLESALE
from data_connectors.labels import LABELLED_COLUMNS

ID_PREFIX = {STORE: "ST", ONLINE: "EC", WHOLESALE: "DC"}
ID_WIDTH = {STORE: 3, ONLINE: 2, WHOLESALE: 2}


def _dedupe(labels: list[str]) -> list[str]:
    """Make labels unique by numbering repeats: "X", "X (2)", "X (3)" in list order."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def sku_ids(catalog: Catalog) -> list[str]:
    width = max(5, len(str(catalog.n_skus)))
    return [f"SKU{i + 1:0{width}d}" for i in range(catalog.n_skus)]


def location_ids(catalog: Catalog) -> list[str]:
    out = []
    for ch, number in zip(catalog.loc_channel, catalog.loc_number, strict=True):
        count = int((catalog.loc_channel == ch).sum())
        width = max(ID_WIDTH[int(ch)], len(str(count)))
        out.append(f"{ID_PREFIX[int(ch)]}{int(number):0{width}d}")
    return out


def supplier_names(catalog: Catalog, locale: str) -> list[str]:
    """One supplier per brand, in global brand order."""
    cats = names.CATEGORIES
    return [
        names.supplier_name(cats[c].brands[b], cats[c].name, locale)
        for c, b in zip(catalog.brand_category, catalog.brand_local, strict=True)
    ]


def sku_columns(catalog: Catalog, locale: str) -> dict[str, list | np.ndarray]:
    """The sku table's columns in canonical order."""
    cats = names.CATEGORIES
    category, subcat, brand, sku_name = [], [], [], []
    for c, s, p, z, b in zip(
        catalog.sku_category,
        catalog.sku_subcategory,
        catalog.sku_product,
        catalog.sku_size,
        catalog.sku_brand,
        strict=True,
    ):
        cat = cats[c]
        sub_pair, products = cat.subcategories[s]
        brand_pair = cat.brands[catalog.brand_local[b]]
        category.append(names.pick(cat.name, locale))
        subcat.append(names.pick(sub_pair, locale))
        brand.append(names.pick(brand_pair, locale))
        sku_name.append(names.sku_name(brand_pair, products[p], cat.sizes[z], locale))
    return {
        "sku_id": sku_ids(catalog),
        "sku_name": _dedupe(sku_name),
        "category": category,
        "subcategory": subcat,
        "brand": brand,
        "unit_cost": catalog.unit_cost,
        "unit_price": catalog.unit_price,
    }


def location_columns(catalog: Catalog, locale: str) -> dict[str, list]:
    """The location table's columns in canonical order."""
    loc_names = []
    for ch, r, c, a in zip(
        catalog.loc_channel, catalog.loc_region, catalog.loc_city, catalog.loc_area, strict=True
    ):
        city = names.CITIES[r][c]
        if ch == STORE:
            loc_names.append(names.store_name(city, names.AREAS[a], locale))
        elif ch == ONLINE:
            loc_names.append(names.online_name(city, locale))
        else:
            loc_names.append(names.dc_name(city, locale))
    return {
        "location_id": location_ids(catalog),
        "location_name": _dedupe(loc_names),
        "region": [names.pick(names.REGIONS[r], locale) for r in catalog.loc_region],
        "channel": [CHANNELS[ch] for ch in catalog.loc_channel],
        "location_type": ["store" if ch == STORE else "warehouse" for ch in catalog.loc_channel],
    }


def label_rows(catalog: Catalog, locale: str) -> list[tuple[str, str, str, str]]:
    """(column, stored value, lang, label) for every name this build writes, in each other
    locale: the same catalog's names in that locale, row for row (data_connectors/labels.py).
    """
    stored = {**sku_columns(catalog, locale), **location_columns(catalog, locale),
              "supplier": supplier_names(catalog, locale)}
    out: dict[tuple[str, str, str], str] = {}
    for lang in names.LOCALES:
        if lang == locale:
            continue
        shown = {**sku_columns(catalog, lang), **location_columns(catalog, lang),
                 "supplier": supplier_names(catalog, lang)}
        for column in LABELLED_COLUMNS:
            for value, label in zip(stored[column], shown[column], strict=True):
                out[(column, str(value), lang)] = str(label)
    return [(column, value, lang, label) for (column, value, lang), label in out.items()]
