"""Strings of the stale-data notice."""

STRINGS: dict[str, dict[str, str]] = {
    "stale.notice": {
        "en": "Stale since {since}: the data source is not answering, so the last values read "
              "are shown; retrying by itself. ({error})",
        "zh": "数据自 {since} 起未更新:数据源无响应,显示的是最后一次读取的数值;"
              "正在自动重试。({error})"},
}
