"""The console script ``sva-registry`` (also ``python -m registry``): parse, call, print."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy.orm import Session

from registry.config import Settings, load_settings
from registry.db import make_engine, make_session_factory, session_scope
from registry.errors import ConfigError, RegistryError


class Context:
    """Settings and database access for one CLI invocation, created lazily."""

    def __init__(self, config: str | None) -> None:
        self._config = config
        self._settings: Settings | None = None
        self._engine: Any = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self._config)
        return self._settings

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url, self.settings.database.echo)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction; rolled back entirely on any error."""
        with session_scope(make_session_factory(self.engine)) as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def upgrade(self) -> None:
        from registry.migrate import upgrade

        upgrade(self.engine)


pass_context = click.make_pass_decorator(Context)


@click.group()
@click.option("--config", envvar="SVA_REGISTRY_CONFIG", help="Settings file (TOML).")
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """SVA Module Registry: modules, releases and what each deployment can adopt."""
    ctx.obj = Context(config)
    ctx.call_on_close(ctx.obj.close)


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(context: Context) -> None:
    """Run the Alembic migrations to head."""
    context.upgrade()
    click.echo(f"database at head: {context.engine.url.render_as_string(hide_password=True)}")


@cli.command("load-demo")
@pass_context
def load_demo_command(context: Context) -> None:
    """Load the bundled demo data built from the real SVA facts (idempotent)."""
    from registry.services.demo import load_demo

    context.upgrade()
    with context.session() as session:
        report = load_demo(session)
    click.echo(f"demo data: {report.summary()}")


@cli.command("serve")
@click.option("--host", default=None, help="Address to listen on (default from settings).")
@click.option("--port", type=int, default=None, help="Port (default from settings).")
@click.option("--demo", is_flag=True, help="Load the demo data into an empty database first.")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default from settings).")
@pass_context
def serve(
    context: Context, host: str | None, port: int | None, demo: bool, workers: int | None
) -> None:
    """Run the web UI and API under gunicorn (the scheduler runs in its own process)."""
    from registry.keys import check_serving, secret_key
    from registry.server import run_gunicorn
    from registry.services.demo import is_empty, load_demo

    check_serving(context.settings)
    # Made (or read) once here, before the workers start, so they all read the same key.
    secret_key(context.settings)
    context.upgrade()
    if demo:
        with context.session() as session:
            if is_empty(session):
                click.echo(f"loading demo data: {load_demo(session).summary()}")
    settings = context.settings
    bind_host = host or settings.server.host
    bind_port = port or settings.server.port
    click.echo(f"SVA Module Registry on http://{bind_host}:{bind_port}/")
    run_gunicorn(settings, bind_host, bind_port, workers or settings.server.workers)


@cli.command("export")
@click.argument("target", metavar="FILE | SLUG [FILE]")
@click.argument("file", required=False, type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["json", "publiccode"]),
    default="json",
    help="json: everything as one file (FILE, - for stdout); "
    "publiccode: the publiccode.yml of module SLUG (to stdout or FILE).",
)
@pass_context
def export_command(context: Context, target: str, file: str | None, export_format: str) -> None:
    """Write everything (but tokens and crawl state) as one JSON file, or one module's
    publiccode.yml (--format publiccode SLUG [FILE])."""
    if export_format == "publiccode":
        _export_publiccode(context, target, file)
        return
    if file is not None:
        raise click.UsageError("the JSON export takes one FILE")
    _export_json(context, target)


def _export_publiccode(context: Context, slug: str, file: str | None) -> None:
    from registry.services.transfer import export_publiccode

    with context.session() as session:
        text = export_publiccode(session, slug)
    if file is None or file == "-":
        click.echo(text, nl=False)
        return
    Path(file).write_text(text, encoding="utf-8")
    click.echo(f"exported publiccode.yml of {slug} to {file}")


def _export_json(context: Context, file: str) -> None:
    from registry.services.transfer import export_document

    with context.session() as session:
        document = export_document(session)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if file == "-":
        click.echo(text)
        return
    Path(file).write_text(text + "\n", encoding="utf-8")
    click.echo(
        f"exported {len(document['modules'])} modules, {len(document['components'])} components, "
        f"{len(document['deployments'])} deployments, {len(document['events'])} events to {file}"
    )


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--dry-run", is_flag=True, help="Show the report; store nothing.")
@pass_context
def import_command(context: Context, paths: tuple[str, ...], dry_run: bool) -> None:
    """Import export files, sva-module.yml, admin-doku YAML, publiccode.yml, Studio manifests.

    Folders are walked. Per file and field the report says what was set and what was kept and
    why (a source never overwrites a field set by a higher one). All or nothing: on any error
    nothing is stored.
    """
    from registry.services.importing import import_paths

    context.upgrade()
    with context.session() as session:
        result = import_paths(session, [Path(p) for p in paths])
        for line in result.lines():
            click.echo(line)
        if result.failed:
            session.rollback()
            raise click.ClickException(
                f"{result.failed} file(s) could not be imported; nothing was stored"
            )
        if dry_run:
            session.rollback()
    click.echo(result.summary() + ("; dry run, nothing was stored" if dry_run else ""))


@cli.group()
def advisories() -> None:
    """Security advisories (OSV records)."""


@advisories.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@pass_context
def advisories_import(context: Context, paths: tuple[str, ...]) -> None:
    """Import OSV JSON files (folders are walked). All or nothing; every problem is listed."""
    from registry.errors import InvalidInput
    from registry.services.advisories import import_paths as import_advisories

    context.upgrade()
    try:
        with context.session() as session:
            report = import_advisories(session, list(paths))
    except InvalidInput as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{error.message}; nothing was stored") from None
    for line in report.lines:
        click.echo(line)
    click.echo(f"{len(report.results)} advisory file(s) imported")


@advisories.command("export")
@click.argument("folder", type=click.Path(file_okay=False))
@pass_context
def advisories_export(context: Context, folder: str) -> None:
    """Write every advisory as <id>.json (valid OSV, covered releases included) into FOLDER."""
    from registry.services.advisories import export_records

    context.upgrade()
    with context.session() as session:
        written = export_records(session, folder)
    click.echo(f"{len(written)} advisory file(s) written to {folder}")


@cli.group()
def module() -> None:
    """Admin changes of a module."""


@module.command("set-repository")
@click.argument("slug")
@click.argument("repository")
@pass_context
def module_set_repository(context: Context, slug: str, repository: str) -> None:
    """Make REPOSITORY the crawl source of module SLUG (an admin act, logged as an event).

    Releases made so far keep their old source: a crawl of the new repository never withdraws
    them. A crawl of the new repository is queued."""
    from registry.services.catalog import get_module
    from registry.services.modules import edit_module

    context.upgrade()
    with context.session() as session:
        found = get_module(session, slug)
        edit = edit_module(
            session,
            found,
            {"repository": repository},
            forges=context.settings.forge_hosts,
            by="cli",
        )
        now = found.repository
    if edit.repository_from is None:
        click.echo(f"{slug}: repository unchanged ({now})")
    else:
        click.echo(f"{slug}: repository {edit.repository_from} -> {now}; crawl queued")


@cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def validate_command(files: tuple[str, ...]) -> None:
    """Check metadata files; print every problem with file, line and field. Exit 1 if any."""
    from registry.metadata import validate_files

    results = validate_files([Path(f) for f in files])
    count = 0
    for path, problems in results.items():
        if not problems:
            click.echo(f"{path}: ok")
        for problem in problems:
            click.echo(str(problem))
            count += 1
    if count:
        click.echo(
            f"{count} problem(s) in {sum(1 for p in results.values() if p)} file(s)", err=True
        )
        sys.exit(1)


@cli.group()
def token() -> None:
    """API tokens (only their hash is stored)."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(["publisher", "deployment", "admin"]))
@click.option("--module", "module", default=None, help="Publisher tokens: limit to this module.")
@click.option("--deployment", type=int, default=None, help="Deployment tokens: its id.")
@click.option("--note", default="", help="What the token is for.")
@pass_context
def token_create(
    context: Context, role: str, module: str | None, deployment: int | None, note: str
) -> None:
    """Create a token and print its secret once."""
    from registry.services.tokens import create_token

    context.upgrade()
    with context.session() as session:
        row, secret = create_token(session, role, module=module, deployment=deployment, note=note)
        session.flush()
        token_id = row.id
    click.echo(f"token {token_id} ({role}) created. Keep the secret, it is shown only once:")
    click.echo(secret)


@token.command("list")
@pass_context
def token_list(context: Context) -> None:
    """List tokens (never their secrets)."""
    from registry.services.tokens import list_tokens

    with context.session() as session:
        for row in list_tokens(session):
            scope = row.module_slug or (
                f"deployment {row.deployment_id}" if row.deployment_id else "-"
            )
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.role}\t{scope}\t{state}\t{row.note}")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_context
def token_revoke(context: Context, token_id: int) -> None:
    """Revoke a token by its id."""
    from registry.services.tokens import revoke_token

    with context.session() as session:
        revoke_token(session, token_id)
    click.echo(f"token {token_id} revoked")


@cli.command("check")
@click.argument("deployment_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--module", "modules", multiple=True, help="Only this module (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", help="Language of texts.")
@pass_context
def check_command(
    context: Context, deployment_file: str, modules: tuple[str, ...], fmt: str, lang: str
) -> None:
    """Offline verdicts of a deployment file against the local database (exit 0)."""
    from registry.metadata.deployment import load_deployment_file
    from registry.metadata.problems import MetadataError
    from registry.services import compatibility, deployments

    try:
        document = load_deployment_file(deployment_file)
    except MetadataError as error:
        _no_verdicts(error.problems)
    context.upgrade()
    with context.session() as session:
        policy = compatibility.policy_from_settings(context.settings)
        verdicts, notices = compatibility.check_deployment(
            session, document, policy, list(modules) or None
        )
        # Modules and releases the file names must be real (the AGS may be the file's own
        # stored deployment, so it is not checked here); an empty registry has nothing to
        # compare with and says so below.
        installed = {"modules": document.get("modules") or {}}
        unreal = deployments.registry_problems(session, installed, deployment_file)
    if unreal and verdicts:
        _no_verdicts(unreal)
    if fmt == "json":
        body = {"deployment": None, "name": document["name"], "modules": []}
        body["modules"] = [v.to_dict() for v in verdicts.values()]
        body["notices"] = compatibility.notices_json(notices)
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
        return
    if not verdicts:
        click.echo("no modules in the local database: run `sva-registry load-demo`", err=True)
    click.echo(compatibility.summary_line(document["name"], verdicts, lang))
    _echo_best_upgrade(verdicts, document.get("modules") or {}, lang)
    for line in compatibility.notice_lines(notices, lang):
        click.echo(line)
    for verdict in verdicts.values():
        click.echo("\n".join(compatibility.verdict_lines(verdict, lang)))


def _echo_best_upgrade(verdicts: Any, installed: dict[str, str], lang: str) -> None:
    """The one component upgrade that unlocks the most modules (as on the deployment page)."""
    from registry.i18n import translator
    from registry.services.summary import summarize

    best = summarize([v.to_dict() for v in verdicts.values()], installed)["best"]
    if best is None:
        return
    step, count = best["steps"][0], len(best["modules"])
    words = translator(lang).ngettext(
        "Most helpful upgrade: %(component)s %(version)s unlocks %(num)s module",
        "Most helpful upgrade: %(component)s %(version)s unlocks %(num)s modules",
        count,
    )
    click.echo(words % {"component": step["component"], "version": step["to"], "num": count})


def _no_verdicts(problems: list[Any]) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s): no verdicts", err=True)
    sys.exit(1)


@cli.group()
def capabilities() -> None:
    """Component capabilities (e.g. the mainserver's GraphQL root fields)."""


@capabilities.command("import")
@click.argument("component")
@click.argument("introspection", type=click.Path(exists=True, dir_okay=False))
@click.option("--deployment", type=int, default=None, help="Also set them for this deployment.")
@click.option("--dry-run", is_flag=True, help="Only print the capabilities; store nothing.")
@pass_context
def capabilities_import(
    context: Context, component: str, introspection: str, deployment: int | None, dry_run: bool
) -> None:
    """Read a GraphQL introspection result (JSON) and record its root query and mutation fields
    as capabilities of COMPONENT (and of a deployment's COMPONENT with --deployment)."""
    from registry.services.compatibility import import_capabilities, introspection_capabilities
    from registry.services.deployments import set_component_capabilities

    try:
        data = json.loads(Path(introspection).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{introspection}: not readable as JSON: {error}") from None
    names = introspection_capabilities(data)
    if dry_run:
        click.echo("\n".join(names))
        return
    context.upgrade()
    with context.session() as session:
        added, known = import_capabilities(session, component, names, Path(introspection).name)
        if deployment is not None:
            set_component_capabilities(session, deployment, component, names)
    click.echo(f"{component}: {len(names)} capabilities ({added} new, {known} already known)")
    if deployment is not None:
        click.echo(f"deployment {deployment}: {component} capabilities set")


@cli.group()
def platform() -> None:
    """What component versions themselves need (curated platform requirements)."""


@platform.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@pass_context
def platform_import(context: Context, path: str) -> None:
    """Import a curated platform file (YAML or JSON: content records, requirements, CHANGELOG
    entries); all or nothing, every problem listed; a second import changes nothing."""
    import yaml

    from registry.services.platform import import_platform

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise click.ClickException(f"{path}: not readable as YAML or JSON: {error}") from None
    context.upgrade()
    with context.session() as session:
        added = import_platform(session, data, path)
    click.echo(f"{path}: {added['requirements']} requirements, {added['changes']} changes added")


@cli.group()
def mirrors() -> None:
    """Mirrors of a module on other forges (checked at most daily for the same tags)."""


@mirrors.command("add")
@click.argument("slug")
@click.argument("url")
@pass_context
def mirrors_add(context: Context, slug: str, url: str) -> None:
    """Record URL (a repository on a configured forge) as a mirror of module SLUG."""
    from registry.services import catalog
    from registry.services.mirrors import forge_of, record_mirror
    from registry.services.modules import canonical_repository

    context.upgrade()
    hosts = context.settings.forge_hosts
    with context.session() as session:
        module = catalog.get_module(session, slug)
        mirror = record_mirror(
            session,
            module,
            canonical_repository(url, hosts),
            source="admin",
            forge=forge_of(url, hosts),
        )
        session.commit()
    if mirror is None:
        click.echo(f"{url} is the primary repository of {slug}, no mirror", err=True)
        sys.exit(1)
    click.echo(f"{slug}: mirror {mirror.url} ({mirror.forge or 'unknown forge'}), {mirror.status}")


@mirrors.command("list")
@click.argument("slug")
@pass_context
def mirrors_list(context: Context, slug: str) -> None:
    """The mirrors of module SLUG with their last check."""
    from registry.services import catalog

    context.upgrade()
    with context.session() as session:
        for mirror in catalog.get_module(session, slug).mirrors:
            checked = mirror.checked_at.isoformat() if mirror.checked_at else "never"
            missing = ", ".join(mirror.missing_tags or []) or "-"
            click.echo(f"{mirror.url}\t{mirror.status}\tchecked {checked}\tmissing {missing}")


@mirrors.command("check")
@pass_context
def mirrors_check(context: Context) -> None:
    """Check every mirror not checked within a day (the scheduler does this too)."""
    from registry.db import make_session_factory
    from registry.jobs import build_crawler, run_mirror_checks

    context.upgrade()
    forges = build_crawler(context.settings)
    try:
        checks = run_mirror_checks(make_session_factory(context.engine), forges)
    finally:
        forges.close()
    for check in checks:
        missing = f" (missing {', '.join(check.missing_tags)})" if check.missing_tags else ""
        click.echo(f"{check.module}: {check.url} {check.status}{missing} {check.message}".rstrip())
    click.echo(f"{len(checks)} mirror(s) checked")


@cli.command("crawl")
@click.option("--module", "slug", default=None, help="Crawl the repository of this module.")
@click.option("--all", "crawl_all", is_flag=True, help="Crawl every known repository now.")
@click.option(
    "--confirm-withdrawals",
    is_flag=True,
    help="Withdraw releases whose tags are gone even when they are many at once.",
)
@pass_context
def crawl_command(
    context: Context, slug: str | None, crawl_all: bool, confirm_withdrawals: bool
) -> None:
    """Crawl repositories now (a rate limit ends the run; it resumes after the reset).

    Exit 1 when a repository failed (or withdrawals were held), 3 when one was skipped because
    another live process is crawling it."""
    from contextlib import nullcontext
    from datetime import timedelta

    from registry.db import make_session_factory
    from registry.jobs import build_crawler, run_crawl
    from registry.services.crawl import (
        WithdrawPolicy,
        due_repositories,
        repository_of_module,
        run_summary,
    )

    if bool(slug) == crawl_all:
        raise click.UsageError("give either --module SLUG or --all")
    context.upgrade()
    with context.session() as session:
        if slug:
            repositories = [repository_of_module(session, slug)]
        else:
            repositories = due_repositories(session, interval=timedelta(0))
    sessions = make_session_factory(context.engine)
    crawler = build_crawler(context.settings)
    withdraw = WithdrawPolicy(context.settings.crawl.max_withdraw_share, confirm_withdrawals)
    terminal = sys.stdout.isatty()
    bar = click.progressbar(repositories, label="crawling") if terminal else None
    outcomes = []
    try:
        with bar or nullcontext(repositories) as items:
            for repository in items:
                outcome = run_crawl(
                    context.engine, sessions, crawler, repository, withdraw=withdraw
                )
                outcomes.append(outcome)
                if not terminal:
                    click.echo(outcome.summary())
                if outcome.status == "rate-limited":
                    break
    finally:
        crawler.close()
    if terminal:
        for outcome in outcomes:
            click.echo(outcome.summary())
    click.echo(run_summary(outcomes))
    if any(o.failed for o in outcomes):
        sys.exit(1)
    if any(o.status == "locked" for o in outcomes):
        sys.exit(3)


@cli.command("scheduler")
@pass_context
def scheduler_command(context: Context) -> None:
    """Run the scheduler process: periodic crawls and queued crawl requests (Ctrl-C stops)."""
    from registry.db import make_session_factory
    from registry.jobs import SchedulerRunner, build_crawler

    context.upgrade()
    crawler = build_crawler(context.settings)
    runner = SchedulerRunner(
        context.settings, context.engine, make_session_factory(context.engine), crawler
    )
    click.echo(
        f"scheduler: crawls every {context.settings.crawl.interval_minutes} min, "
        f"queue every {context.settings.crawl.queue_poll_seconds} s"
    )
    try:
        runner.run()
    finally:
        crawler.close()


def main() -> None:
    """Entry point: settings problems and domain errors become one clear message, exit 2/1."""
    try:
        cli(standalone_mode=True)
    except ConfigError as error:
        click.echo("Error: the settings cannot be used:", err=True)
        for problem in error.details:
            click.echo(f"  - {problem}", err=True)
        sys.exit(2)
    except RegistryError as error:
        click.echo(f"Error: {error.message}", err=True)
        for detail in error.details:
            click.echo(f"  - {detail}", err=True)
        sys.exit(1)
