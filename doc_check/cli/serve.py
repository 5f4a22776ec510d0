"""`doc-check serve`: class mode — the trainee UI in browsers via textual-serve, every trainee in one database."""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

import click

from doc_check.errors import BadInput
from doc_check.store import DB_ENV, Store, default_db_spec, is_postgres_url

IMAGE_ENV = "DOC_CHECK_IMAGE"


def is_loopback(host: str) -> bool:
    """True for localhost and loopback IP addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    """BadInput when the address cannot be listened on (port taken, address not local)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BadInput(f"--host {host}: {exc.strerror}") from None
    family, _type, _proto, _name, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            raise BadInput(f"--port {port}: cannot listen on {host}:{port}: {exc.strerror}") from None


def child_command(db: Path | str, exercise: Path | None = None, pack: Path | None = None) -> str:
    """The shell command textual-serve runs once per browser: `doc-check train` in class mode on the shared
    database, with the half-cell image renderer (Kitty graphics would break textual-serve's stream). A
    PostgreSQL URL goes in the environment, not the arguments (a password would show in the process list)."""
    args = [sys.executable, "-m", "doc_check", "train", "--class-mode"]
    env = f"{IMAGE_ENV}=halfcell"
    if is_postgres_url(str(db)):
        env += f" {DB_ENV}={shlex.quote(str(db))}"
    else:
        args += ["--db", str(db)]
    if pack is not None:
        args += ["--pack", str(pack)]
    elif exercise is not None:
        args += ["--exercise", str(exercise)]
    return f"{env} exec " + shlex.join(args)


@click.command("serve")
@click.option("--exercise", "-e", "spec", metavar="ID|PATH", help="The exercise every trainee takes.")
@click.option(
    "--pack",
    "pack_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Serve a sealed exam pack instead (no key on the server's side: no instant feedback).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback needs --allow-remote.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--db",
    help="The class database every trainee writes: a SQLite file or a postgresql:// URL "
    "[$DOC_CHECK_DB or $XDG_DATA_HOME/doc-check/...].",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a non-loopback --host (a classroom LAN); needs enrolled participants (`doc-check class enrol`), "
    "who sign in with their passphrases.",
)
@click.option("--title", default=None, help="Browser tab title [the exercise's title].")
@click.option(
    "--child-memory",
    type=click.IntRange(256, 65536),
    default=16384,
    show_default=True,
    metavar="MB",
    help="Address space of each trainee process (it ends with MemoryError past it).",
)
@click.option(
    "--idle-minutes",
    type=click.IntRange(1, 24 * 60),
    default=30,
    show_default=True,
    help="End a trainee session after this long without input (answers are kept: resume by code).",
)
@click.option(
    "--max-trainees",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Trainee sessions at once; more browsers are refused.",
)
def serve(
    spec: str | None,
    pack_file: Path | None,
    host: str,
    port: int,
    db: str | None,
    allow_remote: bool,
    title: str | None,
    child_memory: int,
    idle_minutes: int,
    max_trainees: int,
) -> None:
    """Serve the trainee UI to browsers (class mode). Each browser tab runs its own `doc-check train`
    process; every trainee gives a participant code (and a passphrase once the class is enrolled) and all answers
    go into one database (SQLite in WAL mode, or PostgreSQL; one
    transaction per answer), so a closed tab loses nothing: reopening and giving the same code resumes.
    Follow the class with `doc-check results --exercise ID --watch --db PATH`.

    \b
    Every websocket must come from this server's own page (Origin check); each trainee process has bounded
    memory, CPU time, idle time and lifetime, and ends when its tab closes and when serve stops. There is no
    sign-in: anyone who can reach the address can open a session (see docs/class-mode-security.md).

    \b
    Exit codes: 0 stopped with Ctrl+C, 2 bad input (unknown exercise, bad pack, refused address).
    """
    if (spec is None) == (pack_file is None):
        raise click.UsageError("give exactly one of --exercise or --pack")
    if not is_loopback(host) and not allow_remote:
        raise BadInput(f"--host {host}: not a loopback address; add --allow-remote to serve a classroom network")
    spec_db = db or default_db_spec()
    db_path: Path | str = str(spec_db) if is_postgres_url(str(spec_db)) else Path(spec_db).expanduser().resolve()
    if pack_file is not None:
        from doc_check.exercise.pack import verify_pack

        manifest = verify_pack(pack_file)
        label = f"{manifest.exercise_id} (pack {pack_file.name})"
        command = child_command(db_path, pack=pack_file.resolve())
    else:
        from doc_check.cli.common import builtin_exercises_dir, resolve_exercise

        exercise = resolve_exercise(spec or "", builtin_exercises_dir())
        label = f"{exercise.id}: {exercise.title}"
        command = child_command(db_path, exercise=exercise.path.resolve().parent)
    _check_port(host, port)
    with Store(db_path, class_mode=True) as store:  # create (or upgrade) the database before the first trainee
        if allow_remote and not store.enrolled():
            raise BadInput(
                f"--allow-remote: no enrolled participants in {store.label}; enrol the class first "
                "(`doc-check class enrol --db DB --cohort NAME CODE...`) so that trainees sign in"
            )
        db_label = store.label
    from doc_check.cli.class_server import ChildLimits, ClassServer

    limits = ChildLimits(memory_mb=child_memory, idle_seconds=idle_minutes * 60.0, max_children=max_trainees)

    click.echo(f"doc-check serve: {label}; database {db_label}", err=True)
    click.echo(
        f"results: doc-check results --exercise {spec or manifest.exercise_id} --watch --db {db_label}", err=True
    )
    ClassServer(command, limits=limits, host=host, port=port, title=title or f"doc-check: {label}").serve()
