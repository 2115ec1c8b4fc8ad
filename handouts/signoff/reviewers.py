"""Authorised reviewers and their keys: signoffs/reviewers.yaml, and SSH signatures.

The list is committed with the project; each entry is a printed name, credentials
and an SSH public key:

    reviewers:
      - id: dana-reyes                  # the principal in the allowed-signers file
        name: Dana Reyes
        credentials: MD, FAAD
        key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI...
        until: 2027-06-30               # optional: a reviewer who leaves signs nothing after it

Add one with `handouts reviewer add "Dana Reyes, MD, FAAD" --key ~/.ssh/id_ed25519.pub`
(or `--new-key` to make a key first).

Signatures are SSH signatures, made and checked the way git signs commits with
SSH keys: `ssh-keygen -Y sign -n handouts` with the reviewer's own private key
(a key file, or ssh-agent holding it), and `ssh-keygen -Y verify` against an
allowed-signers file rendered from this list. We chose OpenSSH over a Python
signing library because it is already on every clinic machine (Debian's
openssh-client), reviewers already have and protect SSH keys (hardware keys and
ssh-agent included), the signature format is documented and stable (PROTOCOL.sshsig),
and it adds no dependency to audit. The cost is one process per check; verified
lines are remembered for the rest of the process.

The private key is taken, in this order, from `--key-file`, from $HANDOUTS_SIGNING_KEY
(a private key file), or from ssh-agent ($SSH_AUTH_SOCK) when it holds a listed key.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from handouts.core import textfields
from handouts.core.exceptions import InputError, SignoffError
from handouts.core.files import atomic_write
from handouts.core.text import is_slug
from handouts.core.yamlsafe import at, load_yaml

LIST_NAME = "signoffs/reviewers.yaml"
NAMESPACE = "handouts"
KEY_ENV = "HANDOUTS_SIGNING_KEY"
KEY_TYPES = ("ssh-ed25519", "sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521", "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-rsa")
_SIG_HEAD, _SIG_TAIL = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
HEADER = """\
# Authorised reviewers: only a reviewer listed here can approve, request changes,
# edit or retire a handout, and only with the private key of the public key below.
# Add one with: handouts reviewer add "Printed Name, credentials" --key ~/.ssh/id_ed25519.pub
# Protect this file like the log: changes go through review on a protected branch.
# A reviewer who leaves gets `until: YYYY-MM-DD` (their last day); signatures made
# before it still count. Removing a reviewer (or their key) voids every signature made
# with it, and the log then fails verification.
"""


@dataclass(frozen=True)
class Reviewer:
    id: str  # the principal: "dana-reyes"
    name: str  # printed name: "Dana Reyes"
    credentials: str  # "MD, FAAD"
    key: str  # "ssh-ed25519 AAAA..." (no comment)
    until: str = ""  # "2026-12-31": the last day this reviewer may sign ("" = no end)

    @property
    def printed(self) -> str:
        return f"{self.name}, {self.credentials}"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)


def fingerprint(key: str) -> str:
    """'SHA256:...' as ssh-keygen -l shows it."""
    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def list_path(project) -> Path:
    return Path(project.root) / LIST_NAME


# -- names and keys ----------------------------------------------------------------------


def parse_printed(text: str, what: str = "reviewer") -> tuple[str, str]:
    """'Dana Reyes, MD, FAAD' -> ('Dana Reyes', 'MD, FAAD'), checked as free text."""
    cleaned = textfields.clean(text, what, max_len=300)
    name, _, credentials = cleaned.partition(",")
    name, credentials = name.strip(), credentials.strip()
    if not name or not credentials:
        raise SignoffError(f'{what} must be "Printed Name, credentials", e.g. "Dana Reyes, MD, FAAD"; '
                           f'got {text!r}')
    scripts = textfields.scripts_of(name)
    if len(scripts) > 1 and not any(scripts <= mix for mix in textfields._USUAL_MIXES):
        raise SignoffError(f"{what}: the name {name!r} mixes alphabets ({' and '.join(sorted(scripts))}); "
                           f"write it in one")
    return name, credentials


def slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_))


def parse_key(text: str) -> str:
    """'ssh-ed25519 AAAA... comment' -> 'ssh-ed25519 AAAA...'; ValueError if it is not a public key."""
    parts = str(text or "").split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        if parts and "PRIVATE KEY" in " ".join(parts):
            raise ValueError("this is a private key; give the public key (the .pub file)")
        raise ValueError(f"expected an SSH public key such as 'ssh-ed25519 AAAA...'; "
                         f"key types: {', '.join(KEY_TYPES)}")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        raise ValueError("the key's base64 part is damaged") from None
    kind = parts[0].encode("ascii")
    if blob[:4] != len(kind).to_bytes(4, "big") or blob[4:4 + len(kind)] != kind:
        raise ValueError(f"the key's data is not a {parts[0]} key")
    return f"{parts[0]} {parts[1]}"


# -- the list ------------------------------------------------------------------------------


def load(project) -> list[Reviewer]:
    """The committed list ([] if there is none). Every problem is an InputError with file:line:col."""
    path = list_path(project)
    if not path.exists():
        return []
    data, root = load_yaml(path, LIST_NAME, allow_empty=True)
    if data is None:
        return []
    problems: list[str] = []
    if not isinstance(data, dict) or set(data) - {"reviewers"}:
        extra = sorted(set(data) - {"reviewers"}) if isinstance(data, dict) else []
        raise InputError([at(LIST_NAME, root, "(top)", f"expected only `reviewers:`, a list"
                             + (f"; unknown field {extra[0]!r}" if extra else ""))])
    items = data.get("reviewers") or []
    value_node = next((v for k, v in root.value if k.value == "reviewers"), root)
    if not isinstance(items, list):
        raise InputError([at(LIST_NAME, value_node, "reviewers", "expected a list of reviewers")])
    out: list[Reviewer] = []
    seen_ids: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for i, (item, node) in enumerate(zip(items, getattr(value_node, "value", [])), start=1):  # from 1, as elsewhere
        where = f"reviewers[{i}]"
        if not isinstance(item, dict):
            problems.append(at(LIST_NAME, node, where, "expected a mapping with id, name, credentials, key"))
            continue
        fields = {k.value: v for k, v in node.value}
        unknown = sorted(set(item) - {"id", "name", "credentials", "key", "until"})
        for f in unknown:
            problems.append(at(LIST_NAME, node, f"{where}.{f}",
                               "unknown field; expected id, name, credentials, key, until"))
        until = item.get("until", "")
        until = until.isoformat() if hasattr(until, "isoformat") else str(until)
        if until and not re.match(r"^\d{4}-\d{2}-\d{2}$", until):
            problems.append(at(LIST_NAME, fields.get("until", node), f"{where}.until",
                               "expected the reviewer's last signing day, e.g. 2027-06-30"))
            continue
        missing = [f for f in ("id", "name", "credentials", "key") if not isinstance(item.get(f), str)]
        for f in missing:
            problems.append(at(LIST_NAME, fields.get(f, node), f"{where}.{f}", "missing, or not text"))
        if missing:
            continue
        try:
            name, credentials = parse_printed(f"{item['name']}, {item['credentials']}", "name")
        except SignoffError as exc:
            problems.append(at(LIST_NAME, fields["name"], f"{where}.name", exc.message))
            continue
        if not is_slug(item["id"]):
            problems.append(at(LIST_NAME, fields["id"], f"{where}.id",
                               "expected lowercase letters, digits and hyphens, e.g. dana-reyes"))
            continue
        try:
            key = parse_key(item["key"])
        except ValueError as exc:
            problems.append(at(LIST_NAME, fields["key"], f"{where}.key", str(exc)))
            continue
        if item["id"] in seen_ids:
            problems.append(at(LIST_NAME, fields["id"], f"{where}.id",
                               f"duplicate id; reviewers[{seen_ids[item['id']]}] has it too"))
            continue
        if key in seen_keys:
            problems.append(at(LIST_NAME, fields["key"], f"{where}.key",
                               f"the same key as reviewers[{seen_keys[key]}]; each reviewer needs their own"))
            continue
        seen_ids[item["id"]], seen_keys[key] = i, i
        out.append(Reviewer(item["id"], name, credentials, key, until))
    if problems:
        raise InputError(problems)
    return out


def dump(reviewers: list[Reviewer]) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [HEADER.rstrip("\n"), "reviewers:" if reviewers else "reviewers: []"]
    for r in reviewers:
        lines += [f"  - id: {r.id}", f"    name: {q(r.name)}", f"    credentials: {q(r.credentials)}",
                  f"    key: {r.key}"] + ([f"    until: {r.until}"] if r.until else [])
    return "\n".join(lines) + "\n"


def add(project, printed: str, key_text: str) -> Reviewer:
    """Add a reviewer to the list (written atomically). Refuses a duplicate name, id or key."""
    name, credentials = parse_printed(printed)
    try:
        key = parse_key(key_text)
    except ValueError as exc:
        raise SignoffError(f"--key: {exc}") from None
    current = load(project)
    base = slug(name) or "reviewer"
    rid, n = base, 2
    while any(r.id == rid for r in current):
        rid, n = f"{base}-{n}", n + 1
    for r in current:
        if r.key == key:
            raise SignoffError(f"this key is already listed for {r.printed} ({r.id}); each reviewer needs their own key")
        if r.name == name and r.credentials == credentials:
            raise SignoffError(f"{r.printed} is already listed ({r.id}); to change their key, edit {LIST_NAME}")
    new = Reviewer(rid, name, credentials, key)
    atomic_write(list_path(project), dump(current + [new]))
    return new


def allowed_signers(reviewers: list[Reviewer]) -> str:
    """The list as an OpenSSH allowed-signers file (see ssh-keygen(1), ALLOWED SIGNERS)."""
    return "".join(f'{r.id} namespaces="{NAMESPACE}" {r.key}\n' for r in reviewers)


# -- ssh-keygen ----------------------------------------------------------------------------


def _ssh_keygen() -> str:
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise SignoffError("ssh-keygen not found: signatures need OpenSSH; install it with "
                           "scripts/system-packages.sh (Debian package openssh-client)")
    return exe


def _run(args: list[str], data: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=data, capture_output=True, timeout=timeout)


def armor(body: str) -> str:
    lines = [body[i:i + 70] for i in range(0, len(body), 70)]
    return "\n".join([_SIG_HEAD, *lines, _SIG_TAIL]) + "\n"


def unarmor(text: str) -> str:
    return "".join(line.strip() for line in text.strip().splitlines()
                   if line.strip() and not line.startswith("-----"))


@dataclass(frozen=True)
class Signer:
    """A listed reviewer and where their private key is: a key file, or ssh-agent (key_file None)."""

    reviewer: Reviewer
    key_file: Path | None = None

    def sign(self, payload: bytes) -> str:
        """The SSH signature of `payload` (namespace "handouts"), as one line of base64."""
        exe = _ssh_keygen()
        with tempfile.TemporaryDirectory(prefix="handouts-sign-") as tmp:
            if self.key_file is not None:
                key = str(self.key_file)
            else:  # the public half; ssh-keygen asks ssh-agent for the private half
                key = os.path.join(tmp, "key.pub")
                Path(key).write_text(self.reviewer.key + "\n", encoding="utf-8")
            try:
                done = _run([exe, "-q", "-Y", "sign", "-n", NAMESPACE, "-f", key], payload)
            except subprocess.TimeoutExpired:
                raise SignoffError("signing timed out (ssh-keygen waited for a passphrase or a hardware key "
                                   "touch); load the key into ssh-agent with ssh-add") from None
        text = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0 or _SIG_HEAD not in text:
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SignoffError(f"could not sign with the key of {self.reviewer.printed}"
                               f"{' (' + str(self.key_file) + ')' if self.key_file else ' in ssh-agent'}: "
                               f"{why[-1] if why else 'ssh-keygen failed'}")
        return unarmor(text)


def _public_of_key_file(path: Path) -> str:
    pub = Path(str(path) + ".pub")
    if pub.is_file():
        return pub.read_text(encoding="utf-8")
    done = _run([_ssh_keygen(), "-y", "-P", "", "-f", str(path)], timeout=30)
    if done.returncode != 0:
        raise SignoffError(f"{path}: cannot read the public half of this key (is it passphrase-protected? "
                           f"keep {pub.name} beside it, or load it into ssh-agent with ssh-add)")
    return done.stdout.decode("utf-8", "replace")


def _agent_keys() -> list[str]:
    if not os.environ.get("SSH_AUTH_SOCK") or shutil.which("ssh-add") is None:
        return []
    done = _run(["ssh-add", "-L"], timeout=30)
    if done.returncode != 0:
        return []
    out = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        try:
            out.append(parse_key(line))
        except ValueError:
            continue
    return out


def find_signer(project, printed: str | None = None, key_file: str | Path | None = None) -> Signer:
    """The signer to use: --key-file, else $HANDOUTS_SIGNING_KEY, else a listed key in ssh-agent.

    `printed` ("Dana Reyes, MD, FAAD"), when given, must be the listed reviewer whose key it is.
    """
    listed = load(project)
    if not listed:
        raise SignoffError(f"no reviewers are listed in {LIST_NAME}; add the first one with "
                           f'`handouts reviewer add "Dana Reyes, MD, FAAD" --new-key`')
    by_key = {r.key: r for r in listed}
    wanted = parse_printed(printed) if printed else None
    key_file = key_file or os.environ.get(KEY_ENV) or None
    if key_file:
        path = Path(key_file).expanduser()
        if not path.is_file():
            raise SignoffError(f"signing key {path}: no such file")
        try:
            key = parse_key(_public_of_key_file(path))
        except ValueError as exc:
            raise SignoffError(f"{path}.pub: {exc}") from None
        reviewer = by_key.get(key)
        if reviewer is None:
            raise SignoffError(f"the signing key {path} ({fingerprint(key)}) is not on the reviewer list "
                               f"({LIST_NAME}); a listed reviewer must add it with `handouts reviewer add`")
        candidates, signer_of = [reviewer], (lambda r: Signer(r, path))
    else:
        in_agent = [by_key[k] for k in _agent_keys() if k in by_key]
        if not in_agent:
            raise SignoffError("no signing key: give --key-file, set HANDOUTS_SIGNING_KEY to your private key "
                               "file, or load your key into ssh-agent (ssh-add); it must be a key listed in "
                               f"{LIST_NAME}")
        candidates, signer_of = in_agent, (lambda r: Signer(r, None))
    today = datetime.now(timezone.utc).date().isoformat()
    ended = [r for r in candidates if r.until and r.until < today]
    if ended and len(ended) == len(candidates):
        raise SignoffError(f"{ended[0].printed} may no longer sign: their signing ended on {ended[0].until} "
                           f"({LIST_NAME})")
    candidates = [r for r in candidates if r not in ended]
    if wanted is not None:
        match = [r for r in candidates if (r.name, r.credentials) == wanted]
        if not match:
            typed = ", ".join(wanted)
            names = ", ".join(r.printed for r in candidates)
            same_name = [r for r in listed if r.name == wanted[0]]
            if not same_name:
                raise SignoffError(f"reviewer {typed!r} is not on the reviewer list ({LIST_NAME})")
            if same_name[0].printed != typed:
                raise SignoffError(f"reviewer {typed!r}: the reviewer list has {same_name[0].printed!r}")
            where = f"the key file is {names}'s" if key_file else f"ssh-agent holds the keys of {names} only"
            raise SignoffError(f"no signing key for {typed}: {where}")
        return signer_of(match[0])
    if len(candidates) > 1:
        raise SignoffError("ssh-agent holds the keys of several reviewers (" + ", ".join(r.printed for r in candidates)
                           + '); say which with --reviewer "Name, credentials"')
    return signer_of(candidates[0])


# -- verification --------------------------------------------------------------------------

_verified: dict[tuple[str, str], bool] = {}


def verify_many(reviewers: list[Reviewer], items: list[tuple[str, bytes, str]]) -> list[bool]:
    """For each (principal, payload, signature body): does it verify against the list?

    Results are remembered for the process, keyed by the list and the item.
    """
    signers_text = allowed_signers(reviewers)
    signers_key = hashlib.sha256(signers_text.encode("utf-8")).hexdigest()
    keys = [hashlib.sha256(b"\0".join([p.encode(), d, s.encode()])).hexdigest() for p, d, s in items]
    todo = [i for i, k in enumerate(keys) if (signers_key, k) not in _verified]
    if todo:
        listed = {r.id for r in reviewers}
        exe = _ssh_keygen() if any(items[i][0] in listed for i in todo) else None
        with tempfile.TemporaryDirectory(prefix="handouts-verify-") as tmp:
            signers_file = os.path.join(tmp, "allowed_signers")
            Path(signers_file).write_text(signers_text, encoding="utf-8")

            def check(i: int) -> bool:
                principal, payload, sig = items[i]
                if principal not in listed or not sig:
                    return False
                sig_file = os.path.join(tmp, f"{i}.sig")
                Path(sig_file).write_text(armor(sig), encoding="ascii")
                done = _run([exe, "-Y", "verify", "-f", signers_file, "-I", principal, "-n", NAMESPACE,
                             "-s", sig_file], payload, timeout=60)
                return done.returncode == 0

            with ThreadPoolExecutor(max_workers=4) as pool:
                for i, ok in zip(todo, pool.map(check, todo)):
                    _verified[(signers_key, keys[i])] = ok
    return [_verified[(signers_key, k)] for k in keys]


def make_key(path: Path, comment: str, passphrase: str | None = None) -> Path:
    """Create an ed25519 key pair at `path` (ssh-keygen asks for a passphrase when `passphrase` is None)."""
    path = Path(path).expanduser()
    if path.exists():
        raise SignoffError(f"{path} already exists; use it with --key {path}.pub, or choose another --new-key path")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    args = [_ssh_keygen(), "-q", "-t", "ed25519", "-C", comment, "-f", str(path)]
    if passphrase is not None:
        args[2:2] = ["-N", passphrase]
    done = subprocess.run(args)
    if done.returncode != 0 or not Path(str(path) + ".pub").is_file():
        raise SignoffError(f"ssh-keygen could not create {path}")
    return path
