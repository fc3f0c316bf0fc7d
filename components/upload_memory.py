"""Uploads stay in memory: no temporary file on disk, ever.

Streamlit's upload route parses the multipart body with Starlette, which spools every file
part over 1 MB into a temporary file in TMPDIR (deleted, but written: a 2 MB photo put
2,034,969 bytes on disk). The app promises that no picture touches disk, so the spool limit is
raised to the largest body Streamlit accepts (``server.maxUploadSize`` plus its 1 MB framing
margin): Starlette then keeps each part in memory, where Streamlit copies it anyway
(``upload.read()``). The size cap itself is enforced by Streamlit while the body streams in.

Called once at the app's start-up (app.py); idempotent.
"""

from __future__ import annotations

from starlette.formparsers import MultiPartParser

FRAMING_MARGIN_BYTES = 1024 * 1024  # Streamlit's own allowance for multipart framing


def keep_uploads_in_memory(max_upload_mb: int) -> None:
    """Make Starlette keep upload parts of up to ``max_upload_mb`` MB (plus framing) in memory."""
    limit = max_upload_mb * 1024 * 1024 + FRAMING_MARGIN_BYTES
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limit)
