"""The documentation stays true to the registry and the command line."""

from __future__ import annotations

import re
from pathlib import Path

from cli.main import build_parser
from metrics.dimensions import DIMENSIONS
from metrics.registry import METRICS

ROOT = Path(__file__).resolve().parents[2]


def test_metrics_doc_lists_every_metric_with_its_labels() -> None:
    doc = (ROOT / "docs" / "METRICS.md").read_text(encoding="utf-8")
    rows: dict[str, str] = {}
    for match in re.finditer(r"^\| `(\w+)` \|.*$", doc, re.M):
        rows.setdefault(match.group(1), match.group(0))  # the definitions table comes first
    assert set(METRICS) <= set(rows)
    for metric in METRICS.values():
        assert f"| {metric.label_zh} | {metric.label_en} |" in rows[metric.id]


def test_metrics_doc_names_every_dimension() -> None:
    doc = (ROOT / "docs" / "METRICS.md").read_text(encoding="utf-8")
    for dim in DIMENSIONS:
        assert f"`{dim}`" in doc


def test_readme_opens_with_the_two_commands_and_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_code = readme.split("```")[1]
    assert "make run" in first_code and "make test" in first_code
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python app.py {name}" in readme


def test_example_config_and_mappings_parse(monkeypatch) -> None:
    from data_connectors.config import load_config
    from data_connectors.mapping import load_mapping

    monkeypatch.setenv("ERP_PASSWORD", "example")
    config = load_config(ROOT / "examples" / "stocklens.example.yaml")
    assert set(config.sources) == {"demo", "erp", "warehouse"}
    assert config.sources["erp"].mapping.parts("sales")[0].sql
    assert load_mapping(ROOT / "examples" / "bibitor" / "mapping.yaml").parts("receipts")[0] \
        .skip_invalid_rows


def test_the_readme_alert_example_is_a_valid_config(tmp_path: Path, monkeypatch) -> None:
    """The YAML under "Alerts and subscriptions" parses as the server would read it."""
    from alerts.config import load_alert_config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Alerts and subscriptions"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    for name in ("SMTP_PASSWORD", "DING_SECRET", "FEISHU_SECRET", "HOOK_SECRET"):
        monkeypatch.setenv(name, f"secret-of-{name.lower()}")
    path = tmp_path / "stocklens.yaml"
    path.write_text(block, encoding="utf-8")
    config = load_alert_config(path, stored=False)
    assert [r.name for r in config.rules] == ["Dairy turnover days, East",
                                             "Stockouts in my region", "Monday board"]
    assert config.smtp is not None and config.smtp.password == "secret-of-smtp_password"
    assert config.rules[2].board == 1 and config.rules[1].recipients == ("wang",)
    assert len(config.rules[0].channels) == 5
