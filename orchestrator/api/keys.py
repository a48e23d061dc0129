"""Typed application keys (no string keys, no module-level state)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.origins import SitePolicy
from assetgen.settings import Settings
from assetgen.store import ProjectStore

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", ProjectStore)
TOKEN = web.AppKey("token", str | None)
SHUTDOWN = web.AppKey("shutdown", asyncio.Event)  # set when the app shuts down: long streams end
SITE_POLICY = web.AppKey("site_policy", SitePolicy)  # allowed Host names and origins (origins.py)
