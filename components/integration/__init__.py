"""Handing the result back to the business: verification links, result records, a durable
webhook outbox and privacy-safe funnel events. No Streamlit imports."""

from .config import IntegrationConfig, load_integration_config
from .links import LinkClaims, LinkRefused, MintedLink, mint_link, open_link, record_minted
from .results import AttemptContext, RecordedResult, record_result, result_record

__all__ = [
    "AttemptContext",
    "IntegrationConfig",
    "LinkClaims",
    "LinkRefused",
    "MintedLink",
    "RecordedResult",
    "load_integration_config",
    "mint_link",
    "open_link",
    "record_minted",
    "record_result",
    "result_record",
]
