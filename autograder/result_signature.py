"""Results signed with the instructor's key, so that one read back is known to come from the grader.

Checking a result against its trusted assignment (``autograder.grading.trusted_results``) refuses
what no grading could give (1000 of 40 points); a plausible forgery (40 of 40 for a student who
earned 30) only a key the forger lacks can refuse. With ``AUTOGRADER_RESULTS_KEY`` set (a CI secret,
the same for every shard and for the job that merges them), ``autograder grade --format json``
signs each result it writes, and ``merge``, ``report``, ``feedback`` and ``export`` leave out any
result whose signature is missing or wrong. The result store (``--results-dir``) always signs its
entries, with that key or else with a key of the user's own (:func:`user_key`), and grades again
an entry whose signature does not hold.

A signature is ``hmac-sha256:<hex>`` of the result's document without its signature, as canonical
JSON (sorted keys, ASCII, no spaces), so that writing and reading it back never changes it.
"""

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

KEY_VARIABLE = "AUTOGRADER_RESULTS_KEY"
"""The environment variable holding the instructor's key (any text; 32 random bytes in hex is plenty)."""
FIELD = "signature"
"""The field of a result document that holds its signature."""
SCHEME = "hmac-sha256:"


def configured_key(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The instructor's key from ``AUTOGRADER_RESULTS_KEY``; None when it is not set."""
    value = (os.environ if environ is None else environ).get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def user_key() -> bytes:
    """A key of this user's own, made once and kept readable by this user only.

    It lives in ``$XDG_STATE_HOME/autograder/results.key`` (default ``~/.local/state``): someone who
    can write a results directory but not read this file cannot sign an entry of it.
    """
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "autograder"
    path = base / "results.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(32).encode("ascii")
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made meanwhile by another grading process
            return path.read_bytes()
        with os.fdopen(handle, "wb") as stream:
            stream.write(key)
        return key


def signature(document: Mapping, key: bytes) -> str:
    """The signature of a result document (its own ``signature`` field left out)."""
    unsigned = {name: value for name, value in document.items() if name != FIELD}
    text = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return SCHEME + hmac.new(key, text.encode("ascii"), hashlib.sha256).hexdigest()


def signed(document: Mapping, key: bytes | None) -> dict:
    """The document with its signature (unchanged when there is no key)."""
    return dict(document) if key is None else {**document, FIELD: signature(document, key)}


def signed_by(document: object, key: bytes) -> bool:
    """True when ``document`` carries the signature ``key`` gives it."""
    if not isinstance(document, Mapping) or not isinstance(document.get(FIELD), str):
        return False
    return hmac.compare_digest(document[FIELD], signature(document, key))
