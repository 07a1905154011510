"""The HTML part of a subscription message: a plain e-mail with inline styles and no
external resources, every data-borne string escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from alerts.subscription.clean import one_line
from alerts.subscription.parts import TEXT_ROWS, Kpi, Period, TileResult
from alerts.subscription.phrases import (
    charts_line,
    period_text,
    status_word,
    tile_problem,
    vs_previous,
)
from alerts.subscription.rows import rows_note, shown_metrics, tile_table
from components.kit.theme import MUTED, STATUS_COLORS
from i18n import t
from metrics.registry import METRICS

_EMAIL_FONT = "-apple-system,Segoe UI,PingFang SC,Microsoft YaHei,Noto Sans CJK SC,Arial," \
              "sans-serif"
_CELL = "padding:6px 10px;border-bottom:1px solid #e7ebf0;text-align:left;vertical-align:top"
_NUM = _CELL.replace("text-align:left", "text-align:right") + ";white-space:nowrap"
_HEAD = _CELL + ";background:#f1f4f9;font-weight:600"


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                right: Callable[[int], bool]) -> str:
    def cell(tag: str, style: str, text: str) -> str:
        return f'<{tag} style="{style}">{html.escape(text)}</{tag}>'

    head = "".join(cell("th", _HEAD.replace("text-align:left", "text-align:right")
                        if right(i) else _HEAD, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", _NUM if right(i) else _CELL, c)
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<table role="presentation" style="border-collapse:collapse;width:100%;'
            f'font-size:13px"><tr>{head}</tr>{body}</table>')


def _badge(code: str | None, lang: str) -> str:
    color = STATUS_COLORS.get(code, STATUS_COLORS[None])
    return (f'<span style="display:inline-block;padding:1px 8px;border-radius:10px;'
            f'background:{color};color:#ffffff;font-size:12px;font-weight:600">'
            f"{html.escape(status_word(code, lang))}</span>")


def html_part(subject_line: str, name: str, kind_label: str, period: Period | None,
              kpis: list[Kpi], tiles: list[TileResult], charts_error: str | None,
              for_line: str, lang: str) -> str:
    esc = html.escape
    muted = f"color:{MUTED};font-size:13px;margin:4px 0 12px"
    parts = [f'<h1 style="font-size:20px;margin:0">{esc(one_line(name))}</h1>',
             f'<p style="{muted}">{esc(kind_label)} · {esc(period_text(period, lang))}</p>']
    if for_line:
        parts.append(f'<p style="{muted}">{esc(for_line)}</p>')
    if period is None:
        parts.append(f"<p>{esc(t('subscription.no_data', lang))}</p>")
    else:
        parts.append(f'<h2 style="font-size:16px;margin:20px 0 8px">'
                     f"{esc(t('subscription.key_figures', lang))}</h2>")
        rows = []
        for kpi in kpis:
            change = esc(vs_previous(kpi, period, lang))
            note = f'<br><span style="color:{MUTED};font-size:12px">{esc(kpi.note)}</span>' \
                if kpi.note else ""
            rows.append(f'<tr><td style="{_CELL}">{esc(METRICS[kpi.metric].label(lang))}</td>'
                        f'<td style="{_NUM};font-weight:600">{esc(kpi.value_text)}</td>'
                        f'<td style="{_CELL}">{_badge(kpi.status, lang)}</td>'
                        f'<td style="{_CELL}">{change}{note}</td></tr>')
        head = "".join(f'<th style="{_HEAD}">{esc(t(f"subscription.col.{c}", lang))}</th>'
                       for c in ("metric", "value", "status", "change"))
        parts.append(f'<table role="presentation" style="border-collapse:collapse;width:100%;'
                     f'font-size:13px"><tr>{head}</tr>{"".join(rows)}</table>')
        for tile in tiles:
            parts.append(f'<h2 style="font-size:16px;margin:24px 0 2px">{tile.index}. '
                         f"{esc(one_line(tile.title))}</h2>")
            if tile.hint:
                parts.append(f'<p style="{muted}">{esc(one_line(tile.hint))}</p>')
            problem = tile_problem(tile, lang)
            if problem is not None or tile.frame is None or tile.spec is None:
                parts.append(f"<p>{esc(one_line(problem or ''))}</p>")
                continue
            headers, body = tile_table(tile.spec, tile.frame, lang, TEXT_ROWS)
            first_metric = len(headers) - len(shown_metrics(tile.spec, tile.frame))
            parts.append(_html_table(headers, body, lambda i, f=first_metric: i >= f))
            note = rows_note(tile.spec, len(tile.frame), len(body), lang)
            files = ", ".join(tile.files[k] for k in ("png", "csv", "xlsx") if k in tile.files)
            extra = " ".join(x for x in (note, f"({files})" if files else "") if x)
            if extra:
                parts.append(f'<p style="{muted}">{esc(extra)}</p>')
        parts.append(f'<p style="{muted};margin-top:24px">'
                     f"{esc(charts_line(tiles, charts_error, lang))}</p>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f"<title>{esc(subject_line)}</title></head>"
            f'<body style="margin:0;padding:16px;background:#f5f7fa;color:#25324a;'
            f'font-family:{_EMAIL_FONT}">'
            f'<div style="max-width:760px;margin:0 auto;background:#ffffff;'
            f'border:1px solid #e7ebf0;border-radius:6px;padding:20px">'
            f'{"".join(parts)}</div></body></html>')
