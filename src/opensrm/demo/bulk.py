"""Fast bulk inserts with their history rows, for generated columns.

Django's ``bulk_create`` builds one model instance per row and prepares every field value in
Python; ``bulk_create_with_history`` then does it again for the history model, several times
slower than this module on the same rows (measured by benchmarks/demo/run.py, reported in
benchmarks/results/demo.md). Here the columns arrive as arrays, are converted once per column
to the database's representation and go to ``executemany`` in chunks: the same rows, and the
same history rows (type "+", the acting user, the record's own creation time), much faster.

Values are converted by the model field's type, so the SQL only ever names columns taken
from the model's metadata and every value is a bound parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import islice, repeat
from typing import Any

import numpy as np
from django.db import connection, models

NULL = -1
CHUNK = 5_000
HISTORY_REASON = "demo data"

Progress = Callable[[int], None]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _datetimes(values: Any) -> list[str | None]:
    arr = np.asarray(values, dtype="datetime64[s]")
    text = np.datetime_as_string(arr, unit="s")
    # SQLite keeps naive UTC text, like Django's own adapter; PostgreSQL gets an explicit UTC offset.
    suffix = "+00:00" if _is_postgres() else ""
    return [None if t == "NaT" else f"{t[:10]} {t[11:]}{suffix}" for t in text.tolist()]


def _dates(values: Any) -> list[str | None]:
    text = np.datetime_as_string(np.asarray(values, dtype="datetime64[D]"), unit="D")
    return [None if t == "NaT" else t for t in text.tolist()]


def _decimals(values: Any, places: int) -> list[str | None]:
    arr = np.asarray(values, dtype=float)
    text = np.char.mod(f"%.{places}f", arr).tolist()
    return [None if np.isnan(v) else t for v, t in zip(arr.tolist(), text, strict=True)]


def _json(values: Sequence[Any], field: models.JSONField[Any]) -> list[Any]:
    adapt = getattr(connection.ops, "adapt_json_value", None)
    if adapt is not None:
        return [adapt(v, field.encoder) for v in values]
    return [json.dumps(v, ensure_ascii=False) for v in values]


def convert(field: models.Field, values: Any, *, offset: int = 0) -> list[Any]:
    """One column of generated values in the form the database driver takes."""
    kind = field.get_internal_type()
    if isinstance(field, models.ForeignKey):
        arr = np.asarray(values, dtype=np.int64)
        return [None if v == NULL else v + offset for v in arr.tolist()]
    if kind == "DateTimeField":
        return _datetimes(values)
    if kind == "DateField":
        return _dates(values)
    if isinstance(field, models.DecimalField):
        return _decimals(values, field.decimal_places)
    if isinstance(field, models.JSONField):
        return _json(list(values), field)
    if kind == "FloatField":
        arr = np.asarray(values, dtype=float)
        return [None if np.isnan(v) else v for v in arr.tolist()]
    if kind == "BooleanField":
        return [bool(v) for v in np.asarray(values).tolist()]
    if kind in {
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BigAutoField",
        "AutoField",
    }:
        return np.asarray(values, dtype=np.int64).tolist()
    out = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return [str(v) for v in out]


def _default(field: models.Field) -> Any:
    if field.has_default():
        value = field.get_default()
        if isinstance(field, models.JSONField):
            return _json([value], field)[0]
        return value
    if field.null:
        return None
    if field.empty_strings_allowed and field.get_internal_type() in {"CharField", "TextField", "EmailField"}:
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} has no value and no default")


def _insert(table: str, columns: dict[str, list[Any] | _Const], n: int, progress: Progress | None) -> None:
    qn = connection.ops.quote_name
    names = list(columns)
    # Identifiers come from model metadata and are quoted; every value is a bound parameter.
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in names)}) VALUES ({placeholders})"  # noqa: S608
    iterables = [repeat(c.value, n) if isinstance(c, _Const) else c for c in columns.values()]
    rows = zip(*iterables, strict=False)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, CHUNK)):
            cursor.executemany(sql, batch)
            if progress:
                progress(len(batch))


def write_table(
    model: type[models.Model],
    data: dict[str, Any],
    *,
    ids: np.ndarray,
    offsets: dict[str, int],
    targets: dict[str, str],
    actor_id: int | None,
    history_dates: Any = None,
    progress: Progress | None = None,
) -> int:
    """Insert ``data`` (columns by attname) as ``model`` rows with primary keys ``ids``.

    ``targets`` maps a foreign-key attname to the generated table it refers to and
    ``offsets`` gives each generated table's id offset. When the model keeps history, one
    history row per record is written with ``actor_id`` as the history user. The caller owns
    the transaction.
    """
    fields = {f.attname: f for f in model._meta.concrete_fields}
    n = len(ids)
    # A column is a list of values or one constant (a default) for every row.
    columns: dict[str, list[Any] | _Const] = {model._meta.pk.column: ids.tolist()}
    for attname, values in data.items():
        if (
            isinstance(values, str)
            or not isinstance(values, Sequence | np.ndarray)
            or np.ndim(values[:0]) != 1
            or len(values) != n
        ):
            raise ValueError(f"{model.__name__}.{attname}: expected {n} values")
        field = fields[attname]
        off = offsets.get(targets[attname], 0) if attname in targets else 0
        columns[field.column] = convert(field, values, offset=off)
    for field in fields.values():
        if field.column not in columns:
            columns[field.column] = _Const(_default(field))
    _insert(model._meta.db_table, columns, n, progress)

    history = getattr(model, "history", None)
    if history is None:
        return n
    hmodel = history.model
    hcols: dict[str, list[Any] | _Const] = {
        f.column: columns[f.column] for f in hmodel._meta.concrete_fields if f.column in columns
    }
    # A record's history starts when the record does.
    own = columns.get("created_at", columns.get("date_joined"))
    dates = own if history_dates is None else _datetimes(history_dates)
    if not isinstance(dates, list):
        raise ValueError(f"{model.__name__} needs history dates")
    hcols["history_date"] = dates
    hcols["history_type"] = _Const("+")
    hcols["history_user_id"] = _Const(actor_id)
    hcols["history_change_reason"] = _Const(HISTORY_REASON)
    _insert(hmodel._meta.db_table, hcols, n, progress)
    return n


class _Const:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def table_max_id(model: type[models.Model]) -> int:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({qn(model._meta.pk.column)}) FROM {qn(model._meta.db_table)}")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0] or 0)
