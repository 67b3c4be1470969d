"""ID tokens the OpenID Connect sign-in refuses (#16 bad input): a wrong signature, audience or issuer, or
an expired token — checked against a real JWKS served over HTTP, refused and logged, no account made."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from competencies.oidc import OIDCBackend

ISSUER = "https://id.example.org/realms/servicelead"


@pytest.fixture
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks(key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks"
    server.shutdown()


@pytest.fixture
def backend(jwks, settings):
    settings.OIDC_RP_CLIENT_ID = settings.SERVICELEAD_OIDC_CLIENT_ID = "servicelead"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://id.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://id.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = jwks
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.SERVICELEAD_OIDC_ISSUER = ISSUER
    return OIDCBackend()


def token(key, **changes):
    claims = {"iss": ISSUER, "aud": "servicelead", "sub": "u1", "nonce": "n", "exp": time.time() + 300}
    claims.update(changes)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def test_a_good_token_is_accepted(backend, key):
    assert backend.verify_token(token(key), nonce="n")["sub"] == "u1"


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"aud": "another-client"}, "audience"),
        ({"iss": "https://evil.example.org"}, "issuer"),
        ({"exp": time.time() - 60}, "ExpiredSignatureError"),
    ],
)
def test_a_token_for_another_audience_issuer_or_expired_is_refused_and_logged(
    backend, key, changes, reason, caplog
):
    with pytest.raises(SuspiciousOperation, match=reason):
        backend.verify_token(token(key, **changes), nonce="n")
    assert any(reason in record.getMessage() for record in caplog.records)


def test_a_token_signed_with_another_key_is_refused(backend, key, caplog):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token(other), nonce="n")
    assert any("refused" in record.getMessage() for record in caplog.records)
