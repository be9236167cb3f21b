"""The library as shipped: the command line's help."""

from __future__ import annotations

import argparse
import re

import pytest

from noise_core import cli


def registered_commands() -> list[str]:
    """The commands the parser dispatches, read from argparse's own record of its subparsers."""
    (subparsers,) = [action for action in cli._parser()._actions if isinstance(action, argparse._SubParsersAction)]
    return list(subparsers.choices)


def test_the_help_lists_every_registered_command(capsys: pytest.CaptureFixture[str]) -> None:
    commands = registered_commands()
    assert {"derive", "run", "budget", "sweep", "plan", "compare", "fit"} <= set(commands)  # all three modules'
    with pytest.raises(SystemExit) as exit_status:
        cli.main(["--help"])
    assert exit_status.value.code == 0
    help_text = capsys.readouterr().out
    usage = re.search(r"\{([a-z,]+)\}", help_text)
    assert usage is not None and usage.group(1).split(",") == commands
    listed = re.findall(r"^ {4}([a-z]+) ", help_text, re.MULTILINE)
    assert listed == commands
