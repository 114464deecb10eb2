"""Security headers on pages and on the API, and templates that the strict Content-Security-Policy can serve."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from hub.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Served pages only: email templates are read in mail clients, where inline styles are the norm.
TEMPLATE_DIRS = [ROOT / "frontend" / "templates", ROOT / "hub" / "templates"]
EXCLUDED_TEMPLATE_DIRS = [ROOT / "hub" / "templates" / "hub" / "email"]

# What the policy refuses to run, and what htmx can only do by evaluating strings (refused too).
FORBIDDEN = {
    "an inline <script> (put the code in a static .js file)": re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>", re.I
    ),
    "a <style> element (put the rules in a static .css file)": re.compile(r"<style\b", re.I),
    "a style= attribute (use a class)": re.compile(r"\sstyle\s*=", re.I),
    "an on…= event handler attribute (listen from a static .js file)": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "an htmx event filter, evaluated as code (filter in a static .js file)": re.compile(
        r"hx-trigger=\"[^\"]*\[", re.I
    ),
    "hx-on, evaluated as code": re.compile(r"\shx-on", re.I),
    "js: in hx-vals, evaluated as code": re.compile(r"hx-vals=.{0,3}js:", re.I),
}
DJANGO_COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)


def test_pages_carry_the_content_security_policy(client):
    response = client.get("/fr/")

    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_api_carries_the_content_security_policy(client):
    response = client.get("/api/v1/regions/")

    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_policy_allows_no_inline_code_no_framing_and_no_plugins():
    directives = dict(directive.strip().split(" ", 1) for directive in CONTENT_SECURITY_POLICY.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_pages_refuse_to_be_framed(client):
    response = client.get("/fr/")

    assert response["X-Frame-Options"] == "DENY"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_responses_carry_hsts(client):
    response = client.get("/fr/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/fr/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_api_documentation_runs_under_the_strict_policy(client):
    """drf-spectacular's Swagger page inlines its start-up script and a style; ours loads both from files."""
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    html = page.content.decode()
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert not FORBIDDEN["an inline <script> (put the code in a static .js file)"].search(html)
    assert "<style" not in html and "hub/swagger_ui.css" in html
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_rendered_pages_have_no_inline_script_or_style(client):
    for path in ("/fr/", "/en/login/"):
        html = client.get(path).content.decode()

        found = [what for what, pattern in FORBIDDEN.items() if pattern.search(html)]
        assert not found, f"{path}: {found}"


def _templates() -> list[Path]:
    return [
        path
        for directory in TEMPLATE_DIRS
        for path in sorted(directory.rglob("*.html"))
        if not any(excluded in path.parents for excluded in EXCLUDED_TEMPLATE_DIRS)
    ]


def test_templates_have_nothing_the_content_security_policy_refuses():
    found = []
    for template in _templates():
        text = DJANGO_COMMENTS.sub(lambda match: "\n" * match.group().count("\n"), template.read_text())
        for number, line in enumerate(text.splitlines(), start=1):
            found += [
                f"{template.relative_to(ROOT)}:{number}: {what}"
                for what, pattern in FORBIDDEN.items()
                if pattern.search(line)
            ]

    assert not found, "The Content-Security-Policy (hub/security.py) would refuse:\n" + "\n".join(found)
