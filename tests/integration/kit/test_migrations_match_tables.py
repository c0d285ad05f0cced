"""Every service's migrations create exactly the columns its SQLAlchemy tables declare.

A service's ``adapters`` tables and its Alembic revisions each keep their own column spec
(:mod:`shared.columns`); this test keeps the two in step on both stores: same columns in the same
order, same types, same nullability, same primary key. (Revisions add indexes the Core tables
leave out; those are not compared.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, inspect

from services.conferences.adapters import tables as conferences
from services.districts.adapters import network as _district_network  # noqa: F401  (its tables join districts')
from services.districts.adapters import tables as districts
from services.intake.adapters import tables as intake
from services.loans.adapters import tables as loans
from services.reporting.adapters import archive, readmodel
from shared.db import KIT_MIGRATIONS, make_engine, migrate

SERVICES = Path(__file__).resolve().parents[3] / "services"
DECLARED: dict[str, list[MetaData]] = {
    "conferences": [conferences.metadata],
    "districts": [districts.metadata],
    "intake": [intake.metadata],
    "loans": [loans.metadata],
    "reporting": [readmodel.metadata, archive.metadata],
}


@pytest.mark.parametrize("service", sorted(DECLARED))
def test_the_migrated_schema_is_the_declared_one(db_url: str, service: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine, SERVICES / service / "migrations")
        found = inspect(engine)
        for metadata in DECLARED[service]:
            for table in metadata.sorted_tables:
                migrated = found.get_columns(table.name)
                assert [c["name"] for c in migrated] == [c.name for c in table.columns], table.name
                for column, row in zip(table.columns, migrated, strict=True):
                    where = f"{table.name}.{column.name}"
                    declared_type = column.type.compile(dialect=engine.dialect)
                    assert row["type"].compile(dialect=engine.dialect) == declared_type, where
                    assert row["nullable"] == column.nullable, where
                pk = found.get_pk_constraint(table.name)["constrained_columns"]
                assert pk == [c.name for c in table.primary_key.columns], table.name
    finally:
        engine.dispose()


@pytest.mark.parametrize("service", ["conferences", "districts", "intake", "loans"])
def test_downgrading_a_service_drops_its_tables_and_leaves_the_kit(db_url: str, service: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine, SERVICES / service / "migrations")
        kit_tables = set(inspect(engine).get_table_names()) - set(DECLARED[service][0].tables)
        cfg = Config()
        cfg.set_main_option("script_location", str(KIT_MIGRATIONS))
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option("version_locations", str(SERVICES / service / "migrations"))
        cfg.attributes["version_table"] = f"alembic_version_{service}"
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) == kit_tables
    finally:
        engine.dispose()


def test_reporting_revisions_that_add_read_models_drop_them_and_add_them_again(db_url: str) -> None:
    """Reporting's 0004-0008 (``added_tables``): down to 0003 drops the tables they add; up again
    creates them on a database that lacks them, as on one created before those revisions."""
    added = {
        "rm_district_events",
        "rm_district_event_steps",
        "rm_district_resources",
        "rm_district_files",
        "rm_activity_records",
        "rm_district_issues",
        "rm_areas",
        "rm_area_prefixes",
    }
    engine = make_engine(db_url)
    try:
        migrate(engine, SERVICES / "reporting" / "migrations")
        assert added <= set(inspect(engine).get_table_names())
        cfg = Config()
        cfg.set_main_option("script_location", str(KIT_MIGRATIONS))
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option("version_locations", str(SERVICES / "reporting" / "migrations"))
        cfg.attributes["version_table"] = "alembic_version_reporting"
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "reporting_0003")
        assert not added & set(inspect(engine).get_table_names())
        migrate(engine, SERVICES / "reporting" / "migrations")
        assert added <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
