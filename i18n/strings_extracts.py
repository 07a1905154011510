"""Extract mode (issue 21): the navbar's "as of" of a local copy and the Sources page's
refresh state."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "nav.extract_as_of": {"en": "Extract as of {time}", "zh": "抽取于 {time}"},
    "sources.mode_extract": {"en": "Extract (local copy)", "zh": "抽取(本地副本)"},
    "sources.extract_as_of": {"en": "Data as of {time}", "zh": "数据截至抽取时间 {time}"},
    "sources.extract_attempt": {"en": "Last refresh {time}: {status}",
                                "zh": "最近一次刷新 {time}:{status}"},
    "sources.extract_status.ok": {"en": "succeeded", "zh": "成功"},
    "sources.extract_status.failed": {"en": "failed", "zh": "失败"},
    "sources.extract_status.running": {"en": "running", "zh": "进行中"},
    "sources.extract_rows": {"en": "{rows} rows in {seconds} s ({kind})",
                             "zh": "{rows} 行,用时 {seconds} 秒({kind})"},
    "sources.extract_kind.full": {"en": "full", "zh": "全量"},
    "sources.extract_kind.incremental": {"en": "incremental", "zh": "增量"},
    "sources.extract_failed": {
        "en": "The last refresh failed; the copy as of {time} is still served. Reason: {error}",
        "zh": "最近一次刷新失败,仍在使用抽取于 {time} 的副本。原因:{error}"},
    "sources.extract_progress": {"en": "Refreshing: {progress}", "zh": "正在刷新:{progress}"},
    "sources.extract_none": {
        "en": "No extract yet: run python app.py extract refresh --source {name}",
        "zh": "尚无抽取副本:请运行 python app.py extract refresh --source {name}"},
}
