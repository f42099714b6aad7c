"""`aegis init` on a real pseudo-terminal (pexpect): choosing packs by number and by name,
each option of what comes along asked with its default, the resolved plan, confirmation,
invalid answers asked again, Ctrl-C; and no question at all without a terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect

from aegis.edits import ComposeService
from tests.aegis_helpers import CATALOG, init, interruptible, snapshot

AEGIS = str(Path(sys.executable).parent / "aegis")
ENV = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
NUMBERS = {pack.name: number for number, pack in enumerate(CATALOG.selectable, 1)}
# A pack that brings another one that has options: the plan must say why it comes, and the
# other pack's options must be asked.
CHOSEN = next(
    pack for pack in CATALOG.selectable if any(CATALOG[needed].options for needed in pack.requires)
)
IMPLIED = next(CATALOG[needed] for needed in CHOSEN.requires if CATALOG[needed].options)
OPTION = IMPLIED.options[0]
VALUE = next(choice for choice in OPTION.choices if choice != OPTION.default)
OPTION_KEY = IMPLIED.option_key(OPTION)


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        AEGIS,
        ["init", "demo", "-o", str(tmp_path), *args],
        env=ENV,
        encoding="utf-8",
        use_poll=True,  # select() fails on descriptors above 1023
        preexec_fn=interruptible,
        timeout=30,
        dimensions=(50, 200),
    )
    child.logfile_read = open(tmp_path.parent / f"{tmp_path.name}.transcript", "w")  # noqa: SIM115
    return child


def transcript(tmp_path: Path) -> str:
    text = (tmp_path.parent / f"{tmp_path.name}.transcript").read_text()
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r\n", "\n")


def test_a_whole_session_with_re_asked_answers(tmp_path: Path):
    child = spawn(tmp_path)
    for pack in CATALOG.selectable:
        child.expect_exact(f"{NUMBERS[pack.name]:>2}. {pack.name} (")
        child.expect_exact(pack.summary)
    child.expect_exact("(Enter: the core only): ")
    child.sendline("nosuchpack")
    child.expect_exact("Unknown component `nosuchpack`")
    child.expect_exact("Try again.")
    child.sendline(str(len(NUMBERS) + 1))
    child.expect_exact(f"There is no number {len(NUMBERS) + 1}: choose from 1 to {len(NUMBERS)}.")
    child.sendline(str(NUMBERS[CHOSEN.name]))
    child.expect_exact(f"{IMPLIED.name} {OPTION.name} ({OPTION.help}) [{'/'.join(OPTION.choices)}]")
    child.expect_exact(f"({OPTION.default}): ")
    child.sendline("not-a-choice")
    child.expect_exact("Please select one of the available options")
    child.sendline(VALUE)
    child.expect_exact(f"{IMPLIED.name} (comes along: `{CHOSEN.name}` requires it)")
    child.expect_exact(f"options: {OPTION.name} {VALUE}")
    child.expect_exact("files: ")
    options = {**CATALOG.default_options(CATALOG.closure(CHOSEN.name)), OPTION_KEY: VALUE}
    services = [e.name for e in IMPLIED.edits_for(options) if isinstance(e, ComposeService)]
    if services:
        child.expect_exact(f"processes (compose services): {', '.join(services)}")
    child.expect_exact(f"{CHOSEN.name} (chosen)")
    child.expect_exact("Create it? [y/n] (y): ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, transcript(tmp_path)
    after_confirming = transcript(tmp_path).split("Create it? [y/n] (y): ")[-1]
    assert "comes too" not in after_confirming, "the confirmed plan said it already"
    assert "()" not in transcript(tmp_path)  # no empty default shown
    expected = init(tmp_path / "same", [CHOSEN.name], {IMPLIED.option_key(OPTION): VALUE}, "demo")
    assert snapshot(tmp_path / "demo") == snapshot(expected)


def test_saying_no_asks_again_and_enter_gives_the_core(tmp_path: Path):
    child = spawn(tmp_path)
    child.expect_exact("(Enter: the core only): ")
    child.sendline(CHOSEN.name)
    child.expect_exact(f"({OPTION.default}): ")
    child.sendline("")
    child.expect_exact(f"options: {OPTION.name} {OPTION.default}")
    child.expect_exact("Create it? [y/n] (y): ")
    child.sendline("n")
    child.expect_exact("Then choose again")
    child.expect_exact("(Enter: the core only): ")
    child.sendline("")
    child.expect_exact("the core project only.")
    child.expect_exact("Create it? [y/n] (y): ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, transcript(tmp_path)
    assert snapshot(tmp_path / "demo") == snapshot(init(tmp_path / "core", [], name="demo"))


def test_ctrl_c_at_any_question_ends_the_line_and_writes_nothing(tmp_path: Path):
    questions = ["(Enter: the core only): ", f"({OPTION.default}): ", "Create it? [y/n] (y): "]
    answers = [CHOSEN.name, ""]
    for asked in range(len(questions)):
        folder = tmp_path / str(asked)
        folder.mkdir()
        child = spawn(folder)
        for question, answer in zip(questions[:asked], answers, strict=False):
            child.expect_exact(question)
            child.sendline(answer)
        child.expect_exact(questions[asked])
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130, transcript(folder)
        after = transcript(folder).rpartition(questions[asked])[2]
        assert re.match(r"^(\^C)?\n+Interrupted: stopped at a question: nothing was written", after)
        assert list(folder.iterdir()) == []


def test_without_a_terminal_nothing_is_asked_and_the_choice_is_said(tmp_path: Path):
    result = subprocess.run(
        [AEGIS, "init", "demo", "-o", str(tmp_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr
    assert "Creating the core only: no --components or --services given" in result.stdout
    assert "?" not in result.stdout
    assert snapshot(tmp_path / "demo") == snapshot(init(tmp_path / "core", [], name="demo"))


def test_end_of_input_at_a_question_is_like_ctrl_c(tmp_path: Path):
    child = spawn(tmp_path)
    child.expect_exact("(Enter: the core only): ")
    child.sendeof()
    child.expect_exact("stopped at a question: nothing was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []
