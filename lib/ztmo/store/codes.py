"""Join codes, trainer keys, participant tokens, and the checks on what people type.

Kept apart from the database code so the rules are easy to read and to test.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import unicodedata

from ..errors import InvalidAnswer, InvalidNickname, ZtmoError

# No 0/O and 1/I/L: codes are read aloud and typed over from a projector.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
KEY_LENGTH = 10
TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 16

MAX_VALUE = 500
MAX_NICKNAME = 30
MAX_SESSION_NAME = 100
ACTIVITY_RE = re.compile(r"[a-z0-9_.:-]{1,80}")
CODE_RE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
TOKEN_RE = re.compile(f"[A-Za-z0-9]{{{TOKEN_LENGTH}}}")


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_code() -> str:
    """A 6-character join code (about 30 bits: enough to be unguessable during a session)."""
    return _random(ALPHABET, CODE_LENGTH)


def new_trainer_key() -> str:
    return _random(ALPHABET, KEY_LENGTH)


def new_token() -> str:
    """An anonymous participant token; it lives only in the participant's own links."""
    return _random(TOKEN_ALPHABET, TOKEN_LENGTH)


def normalise(code: object) -> str:
    """Codes and keys are typed by people: ignore case and spaces."""
    if not isinstance(code, str):
        return ""
    return "".join(code.split()).upper()


def is_code(code: str) -> bool:
    return CODE_RE.fullmatch(code) is not None


def is_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


# scrypt for trainer keys: salted and slow, so a copied database does not hand out keys
# even to someone who tries every possible key. n=2**14, r=8 uses 16 MiB and takes about
# 27 ms on our 2-core machine: a trainer's click does not notice, a guesser does.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_SALT_BYTES, SCRYPT_HASH_BYTES = 16, 32
_SCRYPT_MAXMEM = 64 * 1024 * 1024  # refuse absurd parameters from a tampered row
_LEGACY_RE = re.compile(r"[0-9a-f]{64}")  # version 1: unsalted SHA-256, as hex


def _scrypt(key: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(normalise(key).encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_SCRYPT_MAXMEM, dklen=length)


def hash_key(key: str) -> str:
    """Only this is stored: ``scrypt$n$r$p$salt_hex$hash_hex``, with a fresh random salt."""
    salt = secrets.token_bytes(SCRYPT_SALT_BYTES)
    digest = _scrypt(key, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def is_legacy_hash(stored_hash: object) -> bool:
    """A hash made by version 1 (bare SHA-256): still accepted, replaced on the next change."""
    return isinstance(stored_hash, str) and _LEGACY_RE.fullmatch(stored_hash) is not None


def key_matches(key: object, stored_hash: object) -> bool:
    """Does ``key`` open a session with this stored hash? Constant-time; never raises."""
    if not isinstance(key, str) or not isinstance(stored_hash, str):
        return False
    if is_legacy_hash(stored_hash):
        legacy = hashlib.sha256(normalise(key).encode("utf-8")).hexdigest()
        return hmac.compare_digest(legacy, stored_hash)
    parts = stored_hash.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:  # not numbers or not hex
        return False
    # Bounds, so a tampered row cannot make one check run for minutes.
    if not (1 < n <= 2**20 and 0 < r <= 32 and 0 < p <= 16 and 0 < len(expected) <= 64):
        return False
    try:
        actual = _scrypt(key, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):  # n not a power of 2, or more memory than maxmem
        return False
    return hmac.compare_digest(actual, expected)


def _storable(text: str) -> bool:
    """PostgreSQL refuses NUL characters and nobody can store half a surrogate pair."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_activity(activity: object) -> str:
    if not isinstance(activity, str) or ACTIVITY_RE.fullmatch(activity) is None:
        raise InvalidAnswer(
            "Dit antwoord hoort niet bij een bekende opdracht, dus we kunnen het niet bewaren. "
            "Laad de pagina opnieuw of vraag de trainer om hulp."
        )
    return activity


_NEWLINES = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\t": " "})
_KEPT = frozenset("\n\u200d")  # a line break; the joiner inside emoji such as 👩‍👧


def clean_text(text: str) -> str:
    """Participant text without control, format or direction characters (Unicode category
    C: the right-to-left override U+202E and its kin would make text read backwards on the
    projector and in the report; zero-width and other invisible characters hide what was
    written). Line breaks become plain newlines, tabs spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_NEWLINES)
    return "".join(ch for ch in text if ch in _KEPT or unicodedata.category(ch)[0] != "C")


def check_value(value: str | float) -> str:
    """Answers are stored as text as given, apart from spaces at the ends and the
    characters ``clean_text`` takes out."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidAnswer("Dit antwoord kunnen we niet bewaren. Vul het opnieuw in.")
    text = clean_text(str(value)).strip()
    if not text:
        raise InvalidAnswer("Je antwoord is nog leeg. Vul eerst iets in.")
    if len(text) > MAX_VALUE:
        raise InvalidAnswer(
            f"Je antwoord is te lang: het mag maximaal {MAX_VALUE} tekens zijn "
            f"(nu {len(text)}). Maak het wat korter."
        )
    if not _storable(text):
        raise InvalidAnswer("In je antwoord staat een teken dat we niet kunnen bewaren. "
                            "Haal dat teken weg en probeer het opnieuw.")
    return text


def display_nickname(nickname: str | None) -> str:
    """A nickname without control, format or direction characters (such as the right-to-left
    override, which can make text read backwards on a screen), spaces collapsed."""
    if not nickname:
        return ""
    kept = "".join(ch for ch in nickname if unicodedata.category(ch)[0] not in ("C",)
                   or ch == " ")
    return " ".join(kept.split())


def check_nickname(nickname: str | None) -> str | None:
    if nickname is None:
        return None
    if not isinstance(nickname, str):
        raise InvalidNickname("Deze bijnaam kunnen we niet gebruiken. Kies een andere.")
    text = display_nickname(nickname)
    if not text:
        return None
    if len(text) > MAX_NICKNAME:
        raise InvalidNickname(
            f"Je bijnaam is te lang: maximaal {MAX_NICKNAME} tekens. Kies een kortere."
        )
    if not _storable(text):
        raise InvalidNickname("In je bijnaam staat een teken dat we niet kunnen bewaren. "
                              "Kies een andere bijnaam.")
    return text


def check_session_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise ZtmoError("Geef de sessie een naam, bijvoorbeeld de plaats en de datum.")
    if len(text) > MAX_SESSION_NAME or not _storable(text):
        raise ZtmoError(f"Deze naam kunnen we niet gebruiken. Kies een naam van hoogstens "
                        f"{MAX_SESSION_NAME} tekens.")
    return text
