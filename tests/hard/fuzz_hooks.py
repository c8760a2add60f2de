"""Schemathesis hooks for test_schema_fuzz.py (loaded through ``SCHEMATHESIS_HOOKS``).

Every query parameter the schema calls a number is also sent numbers the schema cannot
describe and hostile clients do send: digits that are not ASCII (``²`` passes
``str.isdigit()`` and fails ``int()``; ``٣`` and ``３`` pass ``int()`` as 3) and integers
beyond 64 bits. Schemathesis itself only generates values of the parameter's type or
plainly of another type. A request carrying one is answered 400 naming the parameter
(``not_a_server_error`` and the status-code checks hold it to the schema); each one sent
is counted in the file ``FUZZ_HOSTILE_LOG`` names, so the test knows they were tried.
"""
import os

import schemathesis
from hypothesis import strategies as st

UNICODE_DIGITS = st.text(st.characters(categories=["Nd", "No"], exclude_characters="0123456789"),
                         min_size=1, max_size=4)
OUT_OF_RANGE = st.one_of(st.integers(min_value=2**63), st.integers(max_value=-(2**63) - 1)).map(str)
HOSTILE = st.one_of(st.sampled_from(["²", "٣", "３", "9" * 30]), UNICODE_DIGITS, OUT_OF_RANGE)


def _numeric_query_parameters(operation) -> list[str]:
    return [parameter.name for parameter in operation.query
            if (parameter.definition.get("schema") or {}).get("type") in ("integer", "number")]


def _is_hostile(value) -> bool:
    text = str(value)
    if not text.lstrip("-").isascii():
        return True
    try:
        return abs(int(text)) >= 2**63
    except ValueError:
        return False


@schemathesis.hook
def flatmap_query(context, query):
    names = _numeric_query_parameters(context.operation) if context.operation else []
    if not names:
        return st.just(query)
    hostile = st.fixed_dictionaries({}, optional=dict.fromkeys(names, HOSTILE)).filter(bool)
    return st.one_of(st.just(query), hostile.map(lambda values: {**(query or {}), **values}))


@schemathesis.hook
def after_call(context, case, response):
    names = _numeric_query_parameters(case.operation)
    sent = [name for name in names if name in (case.query or {}) and _is_hostile(case.query[name])]
    if sent and os.environ.get("FUZZ_HOSTILE_LOG"):
        with open(os.environ["FUZZ_HOSTILE_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{response.status_code} {case.method} {case.path} {','.join(sent)}\n")
