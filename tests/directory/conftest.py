"""A real OpenLDAP server (Debian's slapd) for the directory sign-in tests: started once per session on a
free port with a throw-away configuration and database, loaded with a small directory, stopped at the end.
Skipped without slapd or python-ldap, unless SERVICELEAD_REQUIRE_SERVICES=1 (CI), where that fails."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

SLAPD = Path("/usr/sbin/slapd")
BASE = "dc=example,dc=org"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "directory-admin"
PASSWORD = "directory-secret"

CONFIG = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {dir}/data
"""

PEOPLE = [
    # uid, given name, surname, employee number, groups
    ("hanna.hr", "Hanna", "Richter", "P-9001", ["servicelead-users", "servicelead-hr"]),
    ("erik.emp", "Erik", "Neumann", "P-0001", ["servicelead-users", "fs-north-leads"]),
    ("otto.out", "Otto", "Außen", "P-0002", []),
    ("dora.dup", "Dora", "Doppel", "P-0003", ["servicelead-users"]),
    ("lea.leaving", "Lea", "Geht", "P-0004", ["servicelead-users"]),
]


def ldif():
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n",
        f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n",
    ]
    for uid, given, surname, number, _groups in PEOPLE:
        entries.append(
            f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {given} {surname}\n"
            f"givenName: {given}\nsn: {surname}\nmail: {uid}@example.org\nemployeeNumber: {number}\n"
            f"userPassword: {PASSWORD}\n"
        )
    for group in ("servicelead-users", "servicelead-hr", "fs-north-leads"):
        members = [f"uid={uid},ou=people,{BASE}" for uid, *_rest, groups in PEOPLE if group in groups]
        entries.append(
            f"dn: cn={group},ou=groups,{BASE}\nobjectClass: groupOfNames\ncn: {group}\n"
            + "".join(f"member: {member}\n" for member in members)
        )
    return "\n".join(entries)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    if not SLAPD.exists() or shutil.which("ldapadd") is None:
        if os.environ.get("SERVICELEAD_REQUIRE_SERVICES") == "1":
            pytest.fail("SERVICELEAD_REQUIRE_SERVICES=1 but slapd/ldap-utils are not installed")
        pytest.skip("no slapd (apt-get install slapd ldap-utils)")
    try:
        import ldap  # noqa: F401
    except ImportError:
        if os.environ.get("SERVICELEAD_REQUIRE_SERVICES") == "1":
            pytest.fail("SERVICELEAD_REQUIRE_SERVICES=1 but python-ldap is not installed (make install)")
        pytest.skip("no python-ldap (apt-get install libldap2-dev libsasl2-dev, then make install)")
    directory = tmp_path_factory.mktemp("slapd")
    (directory / "data").mkdir()
    config = directory / "slapd.conf"
    config.write_text(CONFIG.format(dir=directory, base=BASE, admin=ADMIN_DN, password=ADMIN_PASSWORD))
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603
        [str(SLAPD), "-f", str(config), "-h", f"{uri}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"slapd stopped: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        subprocess.run(  # noqa: S603
            ["ldapadd", "-x", "-H", uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],  # noqa: S607
            input=ldif().encode(),
            check=True,
            capture_output=True,
        )
        yield {"uri": uri, "port": port, "base": BASE}
    finally:
        process.terminate()
        process.wait(timeout=10)
