"""Addresses of pages, for the links that notifications and emails carry.

Services name a page ("challenge") and never reverse the frontend's URLs: the frontend, at the top of
the dependency chain, registers how each page's address is built when it starts (frontend/apps.py)."""

from collections.abc import Callable

_pages: dict[str, Callable[..., str]] = {}


def page_register(name: str, build: Callable[..., str]) -> None:
    _pages[name] = build


def page_url(name: str, **kwargs: object) -> str:
    """The path of the page called `name`, in the active language."""
    return _pages[name](**kwargs)
