from registry.migrate import drift


def test_models_and_migrations_do_not_drift(engine):
    assert drift(engine) == []
