"""A chosen file is never lost to a rerun that starts at the wrong moment.

Choosing a file makes the browser ask the server, over the websocket, where to upload it, and
wait for the answer (a ``file_urls_response``) before it sends a byte. Streamlit queues that
answer with the page's other outgoing messages. A full rerun that starts before the queue is
flushed clears it, keeping only "lifecycle" messages (``ForwardMsgQueue.clear`` with
``retain_lifecycle_msgs=True``). The answer goes with the rest: the browser waits for it for
ever, the uploader lists nothing, and the customer's photo is never received.

On the capture page such a rerun is common: the column-width and camera-count components report
their values just after the page loads. Under CPU load a card chosen at that moment was lost in
1 of 6 tries (Streamlit 1.67). This module keeps the answers the browser waits for through that
clear. ``tests/test_upload_answers.py`` shows Streamlit alone still drops them: when it stops,
this module can go.

Called once at the app's start-up (app.py); idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

# Answers to a request the browser awaits (it has no timeout for them).
AWAITED_ANSWERS: Final = frozenset({"file_urls_response", "backend_operation_response"})

Clear = Callable[..., None]
_streamlit_clear: Clear | None = None  # ForwardMsgQueue.clear as Streamlit defines it


def keep_awaited_answers_through_reruns() -> None:
    """Make a rerun's clearing of the outgoing queue keep the answers the browser awaits."""
    global _streamlit_clear
    if _streamlit_clear is not None:
        return
    _streamlit_clear = clear = ForwardMsgQueue.clear

    def clear_keeping_awaited_answers(
        self: ForwardMsgQueue,
        retain_lifecycle_msgs: bool = False,
        fragment_ids_this_run: list[str] | None = None,
    ) -> None:
        # Without retain_lifecycle_msgs it is a flush: everything was taken to be sent.
        awaited = ([msg for msg in self._queue if msg.WhichOneof("type") in AWAITED_ANSWERS]
                   if retain_lifecycle_msgs else [])
        clear(self, retain_lifecycle_msgs=retain_lifecycle_msgs,
              fragment_ids_this_run=fragment_ids_this_run)
        kept = {id(msg) for msg in self._queue}  # a fragment rerun keeps them itself
        self._queue.extend(msg for msg in awaited if id(msg) not in kept)

    ForwardMsgQueue.clear = clear_keeping_awaited_answers  # type: ignore[method-assign]


def streamlit_clear() -> Clear:
    """Streamlit's own ``ForwardMsgQueue.clear`` (for the test that watches for its fix)."""
    return _streamlit_clear or ForwardMsgQueue.clear
