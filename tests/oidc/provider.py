"""A real OpenID Connect provider for the tests: npm's oidc-provider (tests/oidc/provider.mjs) in a Node process.

`OidcProvider` starts it on a free port, registers clients (dynamic client registration), sets the claims of
the people who sign in, and signs someone in through its own login and consent pages with `requests`, as a
browser would (tests/browser drives the same pages in Chromium)."""

import json
import re
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".var" / "node" / "node_modules"
SCRIPT = Path(__file__).with_name("provider.mjs")


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str


class OidcProvider:
    def __init__(self) -> None:
        if not (NODE_MODULES / "oidc-provider").is_dir():
            raise RuntimeError("oidc-provider is not installed: run `make browser-deps`.")
        self._folder = tempfile.TemporaryDirectory(prefix="oidc-provider-")
        self._accounts_path = Path(self._folder.name) / "accounts.json"
        self._accounts: dict[str, dict] = {}
        self._write_accounts()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            ["node", str(SCRIPT), str(self.port), str(NODE_MODULES), str(self._accounts_path)],
            stdin=subprocess.PIPE,  # Closed when this process ends, even killed: the provider then stops.
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"The OpenID Connect provider did not start: {line!r}")
        self.issuer = line.split()[1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._folder.cleanup()

    def register(self, *, redirect_uri: str, id_token_audience: str = "") -> Client:
        """A client of the provider (Maillage, for one organization); with `id_token_audience`, the provider
        issues its ID tokens for that audience instead: tokens meant for another application."""
        metadata = {"redirect_uris": [redirect_uri], "token_endpoint_auth_method": "client_secret_basic"}
        if id_token_audience:
            metadata["id_token_audience"] = id_token_audience
        response = requests.post(f"{self.issuer}/reg", json=metadata, timeout=5)
        response.raise_for_status()
        body = response.json()
        return Client(client_id=body["client_id"], client_secret=body["client_secret"])

    def account(self, login: str, **claims: object) -> None:
        """The claims the provider gives for `login` (an email address), beyond its defaults (verified)."""
        self._accounts[login] = claims
        self._write_accounts()

    def _write_accounts(self) -> None:
        self._accounts_path.write_text(json.dumps(self._accounts))

    def sign_in(self, authorize_url: str, *, login: str) -> str:
        """Sign `login` in at the provider, through its login and consent pages; return the redirect back to
        the relying party (its callback URL, with the code and state)."""
        session = requests.Session()
        url = authorize_url
        for _step in range(10):
            response = session.get(url, allow_redirects=False, timeout=5)
            if response.is_redirect:
                location = urljoin(url, response.headers["Location"])
                if not location.startswith(self.issuer):
                    return location
                url = location
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
            assert form and prompt, response.text
            data = {"prompt": prompt.group(1)}
            if data["prompt"] == "login":
                data.update(login=login, password="any")
            response = session.post(
                urljoin(url, unescape(form.group(1))), data=data, allow_redirects=False, timeout=5
            )
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("The provider's sign-in did not come back.")
