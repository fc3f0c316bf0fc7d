"""Handing the result back to the business: verification links, result records, a durable
webhook outbox and privacy-safe funnel events. No Streamlit imports.

Import from the submodules (``links``, ``results``, ``outbox``, ...): this package imports nothing
itself, so the CLI's ``link`` command (``link_command``) loads without the database driver.
"""
