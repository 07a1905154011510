"""The markdown part of a subscription message, for IM robots: lists, not tables (the
robots do not render them), within WeCom's 4096 bytes — tiles that do not fit are
counted, not cut in half.
"""

from __future__ import annotations

from alerts.subscription.clean import md_safe
from alerts.subscription.parts import MARKDOWN_LIMIT, MARKDOWN_ROWS, Kpi, Period, TileResult
from alerts.subscription.phrases import period_text, status_word, tile_problem, vs_previous
from alerts.subscription.rows import shown_metrics, tile_table
from i18n import t
from metrics.registry import METRICS


def _md_tile(tile: TileResult, lang: str) -> str:
    lines = [f"**{md_safe(tile.title)}**"]
    problem = tile_problem(tile, lang)
    if problem is not None or tile.frame is None or tile.spec is None:
        lines.append(f"> {md_safe(problem or '')}")
        return "\n".join(lines) + "\n"
    headers, body = tile_table(tile.spec, tile.frame, lang, MARKDOWN_ROWS)
    metrics = shown_metrics(tile.spec, tile.frame)
    n_keys = len(headers) - len(metrics)
    for row in body:
        keys, values = row[:n_keys], row[n_keys:]
        if len(metrics) == 1:
            shown = values[0]
        else:
            shown = " · ".join(f"{METRICS[m].label(lang)} {v}"
                               for m, v in zip(metrics, values, strict=True))
        lines.append("- " + t("subscription.label_value", lang, label=md_safe(" · ".join(keys)),
                                value=shown))
    if len(tile.frame) > len(body):
        lines.append(f"- {t('subscription.rows_more', lang, n=f'{len(tile.frame):,}')}")
    return "\n".join(lines) + "\n"


def _fit(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut at a character (a last resort: sections that do not
    fit are left out whole before this)."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def markdown_part(name: str, kind_label: str, period: Period | None, kpis: list[Kpi],
                  tiles: list[TileResult], for_line: str, lang: str) -> str:
    head = [f"## StockLens · {md_safe(name)}", f"{kind_label} · {period_text(period, lang)}"]
    if for_line:
        head.append(f"> {md_safe(for_line)}")
    if period is None:
        return _fit("\n".join([*head, "", t("subscription.no_data", lang)]) + "\n",
                    MARKDOWN_LIMIT)
    head += ["", f"**{t('subscription.key_figures', lang)}**"]
    for kpi in kpis:
        value = (f"**{kpi.value_text}** · {status_word(kpi.status, lang)} · "
                 f"{vs_previous(kpi, period, lang)}")
        note = t("subscription.note", lang, note=kpi.note) if kpi.note else ""
        head.append("- " + t("subscription.label_value", lang,
                             label=METRICS[kpi.metric].label(lang), value=value) + note)
    out = "\n".join(head) + "\n"
    for position, tile in enumerate(tiles):
        section = "\n" + _md_tile(tile, lang)
        left = len(tiles) - position
        reserve = len(("\n" + t("subscription.tiles_omitted", lang, n=left) + "\n")
                      .encode("utf-8"))
        last = position == len(tiles) - 1
        if len((out + section).encode("utf-8")) + (0 if last else reserve) > MARKDOWN_LIMIT:
            out += "\n" + t("subscription.tiles_omitted", lang, n=left) + "\n"
            break
        out += section
    return _fit(out, MARKDOWN_LIMIT)
