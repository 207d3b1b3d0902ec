"""An example app behind Lockbox, in Python.

It shows the one thing an upstream app must get right: trust the
X-Lockbox-* identity headers only when X-Lockbox-Token is a valid token
from your gateway, and take the identity from the verified claims.

    LOCKBOX_ISSUER=https://app.example.com/_lockbox \\
    LOCKBOX_AUDIENCE=app.example.com \\
    python3 server.py

Needs PyJWT with its crypto extra: Debian's python3-jwt and
python3-cryptography, or `pip install "pyjwt[crypto]"`.
"""

import json
import logging
import os
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

# Lockbox's tokens: ES256 only, and the typ header they carry, so a token
# of another kind signed by the same keys is refused.
ALGORITHMS = ["ES256"]
TOKEN_TYPE = "JWT"


class Untrusted(Exception):
    """Lockbox headers arrived that cannot be trusted."""


class Lockbox:
    """Verifies tokens against the gateway's discovery document, fetched
    on first use so the app may start before Lockbox."""

    def __init__(self, issuer, audience):
        self.issuer, self.audience = issuer, audience
        self._lock = threading.Lock()
        self._keys = None

    def keys(self):
        with self._lock:
            if self._keys is None:
                url = self.issuer + "/.well-known/openid-configuration"
                with urllib.request.urlopen(url, timeout=5) as resp:
                    doc = json.load(resp)
                if doc.get("issuer") != self.issuer or not isinstance(doc.get("jwks_uri"), str):
                    raise Untrusted("the discovery document names another issuer or no jwks_uri")
                # PyJWKClient caches the keys and fetches them again when a
                # token names a key it has not seen (after a rotation).
                self._keys = jwt.PyJWKClient(doc["jwks_uri"])
            return self._keys

    def agent(self, headers):
        """Returns the agent of a request, None for ordinary traffic, or
        raises when Lockbox headers cannot be trusted."""
        raw = headers.get("X-Lockbox-Token")
        if not raw:
            if any(name.lower().startswith("x-lockbox-") for name in headers.keys()):
                raise Untrusted("X-Lockbox-* headers without a token")
            return None
        key = self.keys().get_signing_key_from_jwt(raw)
        c = jwt.decode(  # ES256 signature, iss, aud, exp, nbf
            raw, key.key, algorithms=ALGORITHMS, issuer=self.issuer, audience=self.audience,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
        # The signature covers the header, so it can be read now.
        if jwt.get_unverified_header(raw).get("typ") != TOKEN_TYPE:
            raise Untrusted("the token is not a Lockbox token")
        # PyJWT accepts an audience list that names ours; Lockbox sends
        # exactly one, so a token meant for more than one app is refused.
        if isinstance(c["aud"], list) and len(c["aud"]) != 1:
            raise Untrusted("the token is meant for more than one audience")
        # Type-check every claim the app uses.
        act = c.get("act")
        if not (isinstance(c.get("tenant"), str) and c["tenant"] and c["sub"] == c["tenant"]
                and isinstance(act, dict) and isinstance(act.get("sub"), str) and act["sub"]
                and isinstance(act.get("email", ""), str)
                and isinstance(c.get("sid"), str) and c["sid"]
                and isinstance(c.get("scope"), str)
                and isinstance(c.get("grant", ""), str)
                and isinstance(c.get("break_glass", False), bool)):
            raise Untrusted("the token does not name one agent in one tenant")
        if headers.get("X-Lockbox-Tenant") != c["tenant"]:
            raise Untrusted("X-Lockbox-Tenant disagrees with the token")
        agent = {
            "tenant": c["tenant"], "agent": act.get("email", ""), "agent_sub": act["sub"],
            "scopes": c["scope"].split(), "session": c["sid"],
        }
        if c.get("grant"):
            agent["grant"] = c["grant"]
        if c.get("break_glass"):
            agent["break_glass"] = True
        return agent


def can(agent, scope):
    """Whether the agent's session has scope, such as "write" or "pii"
    (show personal data unmasked)."""
    return scope in agent["scopes"]


class Handler(BaseHTTPRequestHandler):
    lockbox = None  # set in main

    def do_GET(self):
        try:
            agent = self.lockbox.agent(self.headers)
        except Exception as err:  # whatever fails, the request is refused
            logging.warning("refused untrusted support-access request: %s", err)
            self.reply(403, "text/plain; charset=utf-8", b"untrusted support-access request\n")
            return
        # Your app's own sign-in applies to ordinary traffic (agent is
        # None). An app also checks that agent["tenant"] is the tenant this
        # request is for, and masks personal data unless can(agent, "pii").
        body = agent if agent is not None else {"agent": None}
        self.reply(200, "application/json", json.dumps(body).encode())

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        logging.info("%s " + fmt, self.address_string(), *args)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    issuer, audience = os.environ.get("LOCKBOX_ISSUER"), os.environ.get("LOCKBOX_AUDIENCE")
    if not issuer or not audience:
        sys.exit("set LOCKBOX_ISSUER (e.g. https://app.example.com/_lockbox) "
                 "and LOCKBOX_AUDIENCE (e.g. app.example.com)")
    host, _, port = os.environ.get("LISTEN", "127.0.0.1:9000").rpartition(":")
    Handler.lockbox = Lockbox(issuer, audience)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    logging.info("listening on %s:%s, trusting tokens from %s", host, port, issuer)
    server.serve_forever()


if __name__ == "__main__":
    main()
