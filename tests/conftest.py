"""Fixtures: settings -> engine (migrated once) -> session (rolled back per test) -> app -> client.

The suite runs on SQLite by default and on PostgreSQL when SVA_REGISTRY_TEST_DATABASE_URL is set
(.ci/run sets it). Nothing here reaches the internet.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.orm import Session, sessionmaker

from registry import create_app
from registry.config import load_settings
from registry.db import make_engine
from registry.migrate import upgrade

pytest_plugins = ["tests.github_standin.fixtures", "tests.gitlab_standin.fixtures"]

TEST_DB_ENV = "SVA_REGISTRY_TEST_DATABASE_URL"
FIXTURES = Path(__file__).parent / "fixtures"


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get(TEST_DB_ENV)
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def reset_database(engine: Engine) -> None:
    """Drop everything so the migrations build the schema from nothing."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        return
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _test_database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    reset_database(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def settings(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_settings(
        None,
        {
            "SVA_REGISTRY_DATABASE_URL": database_url,
            "SVA_REGISTRY_INSTANCE_PATH": str(tmp_path / "instance"),
            "SVA_REGISTRY_SERVER_SECRET_KEY": "test-secret",
            "SVA_REGISTRY_GITHUB_WEBHOOK_SECRET": "webhook-secret",
            "SVA_REGISTRY_GITLAB_WEBHOOK_SECRET": "gitlab-secret",
        },
    )


@pytest.fixture()
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions inside one outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture()
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture()
def app(settings, session_factory):  # type: ignore[no-untyped-def]
    app = create_app(settings)
    app.config["TESTING"] = True
    app.extensions["registry.engine"].dispose()
    app.extensions["registry.sessions"] = session_factory
    return app


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="session")
def demo_document() -> dict:
    import json

    from registry.demo import DEMO_PATH

    return json.loads(DEMO_PATH.read_text(encoding="utf-8"))


@pytest.fixture()
def demo(session: Session, demo_document: dict) -> Session:
    """The session with the bundled demo data imported (rolled back after the test)."""
    from registry.services.transfer import import_document

    import_document(session, demo_document, source="demo")
    session.commit()
    return session


@pytest.fixture()
def cli_database_url(database_url: str, tmp_path: Path, engine: Engine) -> Iterator[str]:
    """A database the CLI may commit to: a fresh SQLite file, or the PostgreSQL test database
    emptied afterwards."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        return
    yield database_url
    with engine.begin() as connection:
        names = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if names:
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
