from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    entries, msgid, msgstr, fuzzy, field = [], None, None, False, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, field = line[6:].strip('"'), "id"
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgstr"):
            msgstr, field = line.split(" ", 1)[1].strip('"'), "str"
        elif line.startswith('"') and field == "id":
            msgid += line.strip('"')
        elif line.startswith('"') and field == "str":
            msgstr += line.strip('"')
        elif not line.strip() and msgid is not None:
            if msgid:
                entries.append((msgid, msgstr, fuzzy))
            msgid, msgstr, fuzzy, field = None, None, False, None
    return entries


def test_french_translation_is_complete():
    entries = po_entries(LOCALE / "fr" / "LC_MESSAGES" / "django.po")

    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]

    assert entries
    assert missing == []


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client):
    french = client.get("/api/v1/challenges/", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/api/v1/challenges/", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "nombre entier" in french.json()["page"][0]
    assert "whole number" in english.json()["page"][0]
