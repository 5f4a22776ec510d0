"""The `doc-check` command line: one thin click command per subcommand, loaded lazily."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError

from doc_check import __version__
from doc_check.errors import BadInput

# name -> "module:attribute"; each module holds one thin command. Loaded only when used, so that
# `doc-check analyze` in a pipeline never imports the TUI (textual-image probes the terminal at import).
COMMANDS: dict[str, str] = {
    "mrz": "doc_check.cli.mrz:mrz",
    "generate": "doc_check.cli.generate:generate",
    "analyze": "doc_check.cli.analyze:analyze",
    "exercise": "doc_check.cli.exercise:exercise",
    "score": "doc_check.cli.score:score",
    "train": "doc_check.cli.train:train",
    "author": "doc_check.cli.author:author",
    "pack": "doc_check.cli.pack:pack",
    "serve": "doc_check.cli.serve:serve",
    "results": "doc_check.cli.results:results",
    "library": "doc_check.cli.library:library",
    "class": "doc_check.cli.classroom:class_group",
}

HELP: dict[str, str] = {
    "mrz": "Check, make, repair and explain ICAO 9303 MRZ lines.",
    "generate": "Generate synthetic Utopia documents, forgeries and their key.",
    "analyze": "Run the document reader (MRZ and security-feature checks) on images.",
    "exercise": "Validate exercises and their keys.",
    "score": "Score submissions of an exercise; individual and summary reports.",
    "train": "Take an exercise in the trainee terminal UI.",
    "author": "Build samples and exercises in the instructor terminal UI.",
    "pack": "Seal an exercise into an exam pack without its key.",
    "serve": "Serve the trainee UI to browsers (class mode).",
    "results": "Live table of a class's progress and scores.",
    "library": "Write the annotated reference library (HTML) of every document type.",
    "class": "Enrol a class (sign-in), assign exercises to cohorts, release feedback, rounds.",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(cmd_name):
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BadInput as exc:
            click.echo(f"doc-check: error: {one_line(str(exc))}", err=True)
            ctx.exit(2)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:  # fmt: skip
        """Run the command; usage errors are one line `doc-check: error: ...` and exit 2 (not click's block)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            click.echo(usage_line(exc), err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"doc-check: error: {one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("doc-check: aborted", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def one_line(text: str) -> str:
    """The text on one line: line breaks become '; ' (an error message is exactly one line of stderr)."""
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def usage_line(exc: click.UsageError) -> str:
    """One line for a usage error: the command, the problem and where help is."""
    where = exc.ctx.command_path.partition(" ")[2] if exc.ctx is not None else ""
    prefix = f"{where}: " if where else ""
    see = f"doc-check {where}".strip()
    return f"doc-check: error: {prefix}{one_line(exc.format_message())} (see '{see} -h')"


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="doc-check")
def cli() -> None:
    """doc-check: a training simulator for forensic checks of travel documents."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and of ``python -m doc_check``."""
    cli.main(args=argv, prog_name="doc-check")
