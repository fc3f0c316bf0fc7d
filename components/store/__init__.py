"""The app's one small relational store: links, results, outbox events and funnel events.

SQLAlchemy Core over SQLite (embedded default) or PostgreSQL (shared by replicas). Never holds
images, names, ID numbers, phone numbers or e-mail addresses in clear. No Streamlit imports.
"""

from .engine import Store, open_store
from .schema import Tables
from .settings import StoreSettings, database_url_from

__all__ = ["Store", "StoreSettings", "Tables", "database_url_from", "open_store"]
