"""The server-rendered pages (/fr/…, /en/…): one views module and one forms module per audience (public,
vendor, ministry, coordinator, account), the templates and static files.

The top of the chain: may import hub, marketplace and matching (their selectors and services, never their
API views), and nothing imports it. It registers the pages that notifications link to (apps.py)."""
