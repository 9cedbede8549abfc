"""Messages in both languages: the catalog is complete, compiled, and every user-facing string is
marked for it.

The scan looks where a message reaches a user: the arguments of the error and finding types, of
click's echo and errors, of rich's print and of the reason / note builders. A string literal with
English words there that is not wrapped in ``_()``, ``N_()`` or ``Msg()`` fails the test (ids,
units and format-only strings such as ``"{a}: {b}"`` pass).
"""

from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

from cpscore.common import i18n
from cpscore.common.i18n import Msg, set_language, status_word, yes_no

sys.path.insert(0, str(ROOT / "scripts"))
import messages

SINKS = {
    "InputError",
    "Finding",
    "Problem",
    "UsageError",
    "SystemFileError",
    "UnclassifiedPlantError",
    "TableImportError",
    "CpscoreError",
    "echo",
    "secho",
    "BadParameter",
    "ClickException",
    "print",
    "Panel",
    "add_column",
    "note",
    "fail",
    "problem",
    "warn",
    "error",
    "refuse",
    "_refuse",
    "_error",
    "Parsed",
}
# Keyword arguments that are styles or option names, not words for the reader.
SKIP_KW = {"style", "param_hint", "metavar", "err", "highlight", "justify", "overflow"}
MARKERS = {"_", "N_", "Msg"}
# Variables that hold a message on its way to a sink.
MESSAGE_NAMES = {"message", "msg", "note", "hint", "reason", "found", "expected"}
# Two English words, or one joining word between fields ("{value} for {name}"): prose, not an id.
WORDS = re.compile(
    r"[A-Za-z]{3,}\s+[A-Za-z]{2,}|(^|\s)(for|and|or|not|the|of|with|in|at|to|from|no)(\s|$)"
)


MARKUP = re.compile(r"\[/?[a-z ]*\]")  # rich markup such as [bold red]


def _prose(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return None
    return text if WORDS.search(MARKUP.sub("", text)) else None


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unmarked(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []

    def visit(node: ast.AST, in_marker: bool, in_sink: bool) -> None:
        if isinstance(node, ast.Call):
            name = _name(node.func)
            marker = in_marker or name in MARKERS
            sink = (in_sink or name in SINKS) and not marker
            for child in node.args:
                visit(child, marker, sink)
            for kw in node.keywords:
                visit(kw.value, marker, sink and kw.arg not in SKIP_KW)
            visit(node.func, marker, in_sink and not marker)
            return
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in MESSAGE_NAMES for t in node.targets
        ):
            visit(node.value, in_marker, True)
            return
        if in_sink and not in_marker:
            text = _prose(node)
            if text is not None:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:70]!r}")
                return
        for child in ast.iter_child_nodes(node):
            visit(child, in_marker, in_sink)

    visit(tree, False, False)
    return found


def test_every_user_facing_string_is_marked() -> None:
    misses = [m for p in sorted((ROOT / "cpscore").rglob("*.py")) for m in unmarked(p)]
    assert not misses, "unmarked user-facing strings:\n" + "\n".join(misses)


def test_the_scan_catches_an_unmarked_message(tmp_path: Path) -> None:
    bad = ROOT / "cpscore" / "_scan_probe.py"
    try:
        bad.write_text(
            "from cpscore.common.i18n import _\n"
            "def f(click, InputError):\n"
            '    click.echo(f"wrote {1} plants to the list")\n'
            '    click.echo(_("wrote the list"))\n'
            '    raise InputError("kind", None, "no such file", _("a workbook"))\n',
            encoding="utf-8",
        )
        misses = unmarked(bad)
    finally:
        bad.unlink()
    assert len(misses) == 2 and "wrote" in misses[0] and "no such file" in misses[1]


def test_every_marked_message_has_chinese() -> None:
    cat = messages.load_po()
    template = messages.extract()
    assert len(template) > 100  # the extraction really found the package's messages
    missing = [m.id for m in template if m.id and (m.id not in cat or not cat[m.id].string)]
    fuzzy = [m.id for m in template if m.id and m.id in cat and cat[m.id].fuzzy]
    assert not missing, "messages without Chinese:\n" + "\n".join(missing)
    assert not fuzzy, "fuzzy translations:\n" + "\n".join(fuzzy)


def test_translations_keep_the_named_fields() -> None:
    fields = re.compile(r"\{(\w*)[^{}]*\}")
    for m in messages.load_po():
        if m.id and m.string:
            assert sorted(fields.findall(m.id)) == sorted(fields.findall(m.string)), m.id


def test_compiled_catalog_matches_the_po() -> None:
    # The .mo is committed (the wheel ships it, no Babel at run time); a .po edited without
    # `python scripts/messages.py compile` fails here.
    assert messages.MO.read_bytes() == messages.mo_bytes(messages.load_po())


def test_chinese_by_default_and_english_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPSCORE_LANG", raising=False)
    set_language(None)
    assert i18n.language() == "zh"
    assert status_word("illustrative") == "示例"
    assert status_word("unverified") == "未核实"
    assert status_word("official") == "官方"
    assert yes_no(True) == "是" and yes_no("no") == "否"
    monkeypatch.setenv("CPSCORE_LANG", "en")
    assert status_word("illustrative") == "illustrative"
    set_language("zh")
    assert status_word("illustrative") == "示例"
    set_language(None)


def test_msg_renders_when_shown_and_survives_pickling() -> None:
    m = Msg("no value for {id} ({name})", id="x1", name="甲")
    again = pickle.loads(pickle.dumps(m))
    assert again == m
    assert again.render("en") == "no value for x1 (甲)"
    assert again.render("zh") == "x1（甲）没有填写"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "cpscore", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80", **(env or {})},
    )


def test_error_line_in_chinese_and_english(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.xlsx")
    zh = _cli("evaluate", missing, "--sector", "cement", env={"CPSCORE_LANG": ""})
    en = _cli("evaluate", missing, "--sector", "cement", "--lang", "en")
    env_en = _cli("evaluate", missing, "--sector", "cement", env={"CPSCORE_LANG": "en"})
    assert zh.returncode == en.returncode == env_en.returncode == 2
    assert "[no_file]" in zh.stderr and "[no_file]" in en.stderr
    assert "没有" in zh.stderr or "不存在" in zh.stderr
    assert not re.search(r"\b(no such file|expected|error)\b", zh.stderr)
    assert "no such file" in en.stderr and en.stderr == env_en.stderr


def test_json_errors_are_json_on_stdout(tmp_path: Path) -> None:
    import json

    missing = str(tmp_path / "nope.xlsx")
    r = _cli("evaluate", missing, "--sector", "cement", "--format", "json", "--lang", "en")
    assert r.returncode == 2
    err = json.loads(r.stdout)["error"]
    assert err["kind"] == "no_file" and err["file"] == missing
    assert set(err) >= {"kind", "file", "sheet", "cell", "message"}
    assert "no such file" in err["message"]
    zh = _cli("evaluate", missing, "--sector", "cement", "--format", "json")
    assert json.loads(zh.stdout)["error"]["kind"] == "no_file"


def test_every_command_takes_lang() -> None:
    from cpscore.cli import main

    for name, cmd in main.commands.items():
        assert any(p.name == "lang" for p in cmd.params), name


def test_evaluate_reads_the_system_from_the_workbook() -> None:
    r = _cli("evaluate", str(EXAMPLES / "cement" / "plant-advanced.xlsx"), "--format", "json")
    assert r.returncode == 0, r.stderr
    import json

    assert json.loads(r.stdout)["system"]["id"].startswith("cement-")


def test_clicks_own_words_follow_the_language() -> None:
    zh = _cli("evaluate", "--help", env={"CPSCORE_LANG": ""}).stdout
    assert zh.startswith("用法： cpscore evaluate [OPTIONS] WORKBOOK")
    assert "选项:" in zh and "显示此帮助并退出。" in zh and "[默认：text]" in zh
    assert "所有消息和输出的语言：zh（默认）或 en" in zh
    assert "写出 Excel 评价表（.xlsx）或 JSON 文档（.json）。" in zh  # our option help, marked
    top = _cli("--help", env={"CPSCORE_LANG": ""}).stdout
    assert "命令:" in top and "显示版本并退出。" in top
    en = _cli("evaluate", "--help", "--lang", "en").stdout
    assert en.startswith("Usage: cpscore evaluate") and "Show this message and exit." in en
    assert "Write an Excel scorecard (.xlsx) or the JSON" in en
    # --help is eager: the language still applies when it comes after --help.
    late = _cli("evaluate", "--help", "--lang", "en", env={"CPSCORE_LANG": ""}).stdout
    assert late.startswith("Usage: cpscore evaluate") and "Show this message and exit." in late
    missing = _cli("evaluate", env={"CPSCORE_LANG": ""})
    assert missing.returncode == 2
    assert "错误：缺少参数 'WORKBOOK'" in missing.stderr
    assert "运行 'cpscore evaluate --help' 查看帮助。" in missing.stderr
    bogus = _cli("evaluate", "--bogus", "x.xlsx", env={"CPSCORE_LANG": ""})
    assert "错误：没有选项 '--bogus'。" in bogus.stderr


def test_command_descriptions_follow_the_language() -> None:
    """A command's docstring is its help: in the command list and on its own --help page, in
    the reader's language (the catalog holds each docstring as click prints it)."""
    top = _cli("--help", env={"CPSCORE_LANG": ""}).stdout
    assert "评价一个企业数据工作簿：等级、依据、得分、差距和阻碍升级的因素。" in top
    assert "评价一个行业的全部企业并生成协会名单。" in top
    assert "Evaluate one plant workbook" not in top
    batch = _cli("batch", "--help", env={"CPSCORE_LANG": ""}).stdout
    assert "退出码：" in batch and "2  用法错误（未知行业、没有输入、选项有误）" in batch
    en = _cli("batch", "--help", "--lang", "en").stdout
    assert "Evaluate every plant of a sector and write the association's list." in en
    assert "2  usage error (unknown sector, no inputs, bad option)" in en


def test_every_command_docstring_is_in_the_catalog() -> None:
    """Adding a command without translating its help fails here (scripts/messages.py update
    extracts the docstrings; check requires their Chinese)."""
    import inspect

    from cpscore.cli import main
    from cpscore.common.i18n import gettext_in

    extracted = {text for _line, text in messages.command_docstrings(ROOT / "cpscore" / "cli.py")}
    for name, cmd in {"": main, **main.commands}.items():
        text = inspect.cleandoc(cmd.help or "").partition("\f")[0].rstrip()
        assert text in extracted, name
        assert gettext_in(text, "zh") != text, f"no Chinese help for command {name or 'cpscore'}"
