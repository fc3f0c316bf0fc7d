"""A chosen file is never lost to a rerun that starts at the wrong moment.

Choosing a file makes the browser ask the server, over the websocket, where to upload it, and
wait for the answer (a ``file_urls_response``) before it sends a byte. Streamlit queues that
answer with the page's other outgoing messages. A full rerun that starts before the queue is
flushed clears it, keeping only "lifecycle" messages (``ForwardMsgQueue.clear`` with
``retain_lifecycle_msgs=True``). The answer goes with the rest: the browser waits for it for
ever, the uploader lists nothing, and the customer's photo is never received.

On the capture page such a rerun is common: the column-width and camera-count components report
their values just after the page loads. Under CPU load a card chosen at that moment was lost in
2 of 8 tries (Streamlit 1.67). This module keeps the answers the browser waits for through that
clear. ``tests/test_upload_answers.py`` shows Streamlit alone still drops them: when it stops,
this module can go.

Called once at the app's start-up (app.py); idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

# Answers to a request the browser awaits (it has no timeout for them).
AWAITED_ANSWERS: Final = frozenset({"file_urls_response", "backend_operation_response"})

Clear = Callable[..., None]
_KEEPS_AWAITED: Final = "_keeps_awaited_answers_of"  # on the wrapper: Streamlit's own clear


def keep_awaited_answers_through_reruns() -> None:
    """Make a rerun's clearing of the outgoing queue keep the answers the browser awaits."""
    clear = ForwardMsgQueue.clear
    if hasattr(clear, _KEEPS_AWAITED):  # (a module reloaded in development keeps one wrapper)
        return

    def clear_keeping_awaited_answers(self: ForwardMsgQueue, *args: Any, **kwargs: Any) -> None:
        # Streamlit's (retain_lifecycle_msgs=False, fragment_ids_this_run=None), passed on as
        # given. Without retain_lifecycle_msgs it is a flush: everything was taken to be sent.
        retain = kwargs.get("retain_lifecycle_msgs", args[0] if args else False)
        awaited = ([msg for msg in self._queue if msg.WhichOneof("type") in AWAITED_ANSWERS]
                   if retain else [])
        clear(self, *args, **kwargs)
        kept = {id(msg) for msg in self._queue}  # a fragment rerun keeps them itself
        self._queue.extend(msg for msg in awaited if id(msg) not in kept)

    setattr(clear_keeping_awaited_answers, _KEEPS_AWAITED, clear)
    ForwardMsgQueue.clear = clear_keeping_awaited_answers  # type: ignore[method-assign]


def streamlit_clear() -> Clear:
    """Streamlit's own ``ForwardMsgQueue.clear`` (for the test that watches for its fix)."""
    clear: Clear = getattr(ForwardMsgQueue.clear, _KEEPS_AWAITED, ForwardMsgQueue.clear)
    return clear
