"""The ``mednec`` command line (CONTRACT): review, triage, context, facts."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mednec.core.errors import MednecError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Medical-necessity review of prior-authorization requests from chart documents.")


def _setup_logging(verbose: bool) -> None:
    # Document text is logged only at DEBUG; the default level never shows it.
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    try:
        from loguru import logger

        logger.remove()
        if verbose:
            logger.add(sys.stderr, level="DEBUG")
    except ImportError:  # pragma: no cover
        pass


def _fail(exc: MednecError) -> None:
    typer.echo(exc.line(), err=True)
    raise typer.Exit(2)


@app.command()
def review(
    case_dir: Annotated[Path, typer.Argument(help="A case folder (request.json and chart documents).")],
    format: Annotated[str, typer.Option("--format", "-f", help="json, text or fhir (a PAS response Bundle)")] \
        = "json",  # noqa: A002
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging (may show document text).")] = False,
) -> None:
    """Review one case and print its determination."""
    _setup_logging(verbose)
    if format not in ("json", "text", "fhir"):
        typer.echo(f"[E001] --format: unknown format {format!r} (json, text or fhir)", err=True)
        raise typer.Exit(2)
    try:
        from mednec.review import Reviewer, result_json

        result, case = Reviewer().review(case_dir)
    except MednecError as exc:
        _fail(exc)
        return
    if format == "fhir":
        from mednec.fhir import response_json

        sys.stdout.write(response_json(result, case))
    elif format == "json":
        sys.stdout.write(result_json(result))
    else:
        from mednec.render.text import render_text

        sys.stdout.write(render_text(result))


@app.command()
def triage(
    cases_dir: Annotated[Path, typer.Argument(help="A folder whose sub-folders are cases.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes (default: all cores).")] \
        = 0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Skip cases whose outputs are complete and current "
                                         "(same input hash); redo the rest.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0, help="Seconds per case before it is stopped "
                                           "with an [E501] error row (0: no limit).")] = 120.0,
    engine: Annotated[str, typer.Option("--engine", help="local (worker processes on this machine) or dask "
                                        "(a Dask cluster; needs the dask extra of mednec).")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. "
                                                  "tcp://host:8786 (default: start a LocalCluster).")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="If another run is writing to OUT, wait for it to "
                                       "finish instead of stopping.")] = False,
    fhir: Annotated[bool, typer.Option("--fhir", help="Also write each case's PAS response Bundle "
                                       "(ClaimResponse, QuestionnaireResponses, Provenance) to "
                                       "OUT/fhir/<case_id>.json.")] = False,
    db: Annotated[str | None, typer.Option("--db", help="Also store each review as a version of its case "
                                           "in the workstation database (a SQLite file or a URL such as "
                                           "postgresql+psycopg://user@host/db).")] = None,
) -> None:
    """Review every case of a folder: OUT/<case_id>.json, .html and OUT/triage.csv."""
    _setup_logging(verbose)
    from mednec.engines import check_engine
    from mednec.triage import triage as run

    problem = check_engine(engine, scheduler)
    if problem:
        typer.echo(f"[E001] {problem}", err=True)
        raise typer.Exit(2)
    if not cases_dir.is_dir():
        typer.echo(f"[E100] {cases_dir}: cases folder not found or not a folder", err=True)
        raise typer.Exit(2)
    n = workers if workers > 0 else (os.cpu_count() or 1)
    try:
        summary = run(cases_dir, out, workers=n, progress=True, resume=resume, timeout=timeout or None,
                      engine=engine, scheduler=scheduler, wait=wait, fhir=fhir)
    except MednecError as exc:
        _fail(exc)
        return
    typer.echo(summary.line(), err=True)
    if db is not None:
        from mednec.workstation.db import open_database
        from mednec.workstation.intake import store_triage

        try:
            added, same = store_triage(open_database(db), cases_dir, out)
        except MednecError as exc:
            _fail(exc)
            return
        typer.echo(f"mednec triage: {added} new case versions stored, {same} unchanged", err=True)
    if summary.cases and summary.errors == summary.cases:
        raise typer.Exit(1)


@app.command()
def letter(
    case_dir: Annotated[Path, typer.Argument(help="A case folder (request.json and chart documents).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Letter file: .md, .html or .pdf (by extension).")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging (may show text).")] = False,
) -> None:
    """Review one case and write its determination letter (format from the extension of FILE)."""
    _setup_logging(verbose)
    try:
        from mednec.render.letter_out import letter_format, write_letter
        from mednec.review import Reviewer

        letter_format(out)  # a bad extension fails before the pipeline loads
        result, case = Reviewer().review(case_dir)
        write_letter(result, case.request, out)
    except MednecError as exc:
        _fail(exc)


@app.command()
def context(
    sentences: Annotated[Path, typer.Argument(help="A NegEx test-kit TSV file.")],
) -> None:
    """Classify each row's condition as negated/affirmed/possible, its temporality and experiencer."""
    _setup_logging(False)
    from mednec.context_check import run_context

    try:
        run_context(sentences, sys.stdout)
    except MednecError as exc:
        _fail(exc)


@app.command()
def facts(case_dir: Annotated[Path, typer.Argument(help="A case folder.")]) -> None:
    """Print the typed facts the pipeline reads from a case (JSON lines; contains chart words)."""
    _setup_logging(False)
    import json

    from mednec.pipeline.facts import facts_to_json
    from mednec.review import Reviewer, load_case

    try:
        case = load_case(case_dir)
    except MednecError as exc:
        _fail(exc)
        return
    # the same reading as a review (OCR-corrected copy, original quoted)
    for f in facts_to_json(Reviewer().read_case_facts(case)[0]):
        sys.stdout.write(json.dumps(f) + "\n")


fhir_app = typer.Typer(no_args_is_help=True, help="FHIR: Da Vinci PAS request Bundles in, response Bundles out.")
app.add_typer(fhir_app, name="fhir")


@fhir_app.command("import")
def fhir_import(
    bundle: Annotated[Path, typer.Argument(help="A PAS request Bundle (FHIR R4 JSON, Claim/$submit).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The case folder to write (new or empty).")],
) -> None:
    """Turn a PAS request Bundle into a case folder (request.json, documents, fhir-source.json)."""
    _setup_logging(False)
    from mednec.fhir import import_bundle

    try:
        import_bundle(bundle, out)
    except MednecError as exc:
        _fail(exc)
        return
    typer.echo(f"mednec fhir import: {out}", err=True)


@app.command()
def serve(
    db: Annotated[str | None, typer.Option("--db", help="Database: a SQLite file (default mednec.db here, or "
                                           "$MEDNEC_DB) or a URL such as postgresql+psycopg://user@host/db.")] \
        = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Send the session cookie only over "
                                                 "HTTPS (set this behind a TLS proxy).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging (may show clinical text).")] \
        = False,
) -> None:
    """Start the reviewer workstation (queue, case pages, audit log, FHIR Claim/$submit)."""
    _setup_logging(verbose)
    logging.getLogger("mednec.workstation").setLevel(logging.DEBUG if verbose else logging.INFO)
    import uvicorn

    from mednec.workstation.app import create_app

    try:
        application = create_app(db or os.environ.get("MEDNEC_DB"), secure_cookies=secure_cookies)
    except MednecError as exc:
        _fail(exc)
        return
    typer.echo(f"mednec serve: http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    # uvicorn's access log prints query strings, where a searched member name would land: off
    uvicorn.run(application, host=host, port=port, access_log=False, log_level="debug" if verbose else "warning")


users_app = typer.Typer(no_args_is_help=True, help="Workstation accounts (nurse, physician, admin).")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name to log in with.")],
    role: Annotated[str, typer.Option("--role", help="nurse, physician or admin.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of standard input instead of a prompt.")] = False,
    db: Annotated[str | None, typer.Option("--db", help="The workstation database (as for serve).")] = None,
) -> None:
    """Add an account; the password is asked for (twice), or read from standard input."""
    _setup_logging(False)
    from mednec.workstation.auth import add_user
    from mednec.workstation.db import open_database

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with open_database(db or os.environ.get("MEDNEC_DB"))() as session:
            user = add_user(session, name, role, password)
    except MednecError as exc:
        _fail(exc)
        return
    typer.echo(f"mednec users: added {user.name} ({user.role})", err=True)


@users_app.command("list")
def users_list(
    db: Annotated[str | None, typer.Option("--db", help="The workstation database (as for serve).")] = None,
) -> None:
    """List the accounts: name, role, active."""
    _setup_logging(False)
    from sqlalchemy import select

    from mednec.workstation.db import User, open_database

    try:
        with open_database(db or os.environ.get("MEDNEC_DB"))() as session:
            for user in session.scalars(select(User).order_by(User.name)):
                typer.echo(f"{user.name}\t{user.role}\t{'active' if user.active else 'disabled'}")
    except MednecError as exc:
        _fail(exc)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
