"""Streamlit's outgoing queue keeps, through a rerun, the answers the browser waits for (where
to upload a chosen file): lost, the upload never starts (components/upload_answers.py)."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from components.upload_answers import keep_awaited_answers_through_reruns, streamlit_clear


def upload_address(request_id: str = "request-1") -> ForwardMsg:
    msg = ForwardMsg()
    msg.file_urls_response.response_id = request_id
    msg.file_urls_response.file_urls.add(file_id="file-1", upload_url="/_stcore/upload_file/s/f",
                                         delete_url="/_stcore/upload_file/s/f")
    return msg


def page_element(text: str = "Step 1 of 3") -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path[:] = [0, 3]
    msg.delta.new_element.markdown.body = text
    return msg


def queue_with_an_address_and_an_element() -> ForwardMsgQueue:
    queue = ForwardMsgQueue()
    queue.enqueue(page_element())
    queue.enqueue(upload_address())
    return queue


def kinds(messages: list[ForwardMsg]) -> list[str | None]:
    return [msg.WhichOneof("type") for msg in messages]


def test_a_rerun_starting_before_the_flush_keeps_the_upload_address_and_drops_the_page() -> None:
    keep_awaited_answers_through_reruns()
    queue = queue_with_an_address_and_an_element()
    queue.clear(retain_lifecycle_msgs=True)  # what a full rerun's start does
    assert kinds(queue.flush()) == ["file_urls_response"]


def test_streamlit_alone_still_drops_the_address_so_the_fix_is_still_needed() -> None:
    """When this fails, Streamlit keeps the answer itself: components/upload_answers.py can go."""
    keep_awaited_answers_through_reruns()
    queue = queue_with_an_address_and_an_element()
    streamlit_clear()(queue, retain_lifecycle_msgs=True)
    assert queue.flush() == []


def test_a_flush_sends_the_address_once() -> None:
    keep_awaited_answers_through_reruns()
    queue = queue_with_an_address_and_an_element()
    assert kinds(queue.flush()) == ["delta", "file_urls_response"]
    assert queue.flush() == []


def test_a_fragment_rerun_keeps_the_address_once() -> None:
    keep_awaited_answers_through_reruns()
    queue = queue_with_an_address_and_an_element()
    queue.clear(retain_lifecycle_msgs=True, fragment_ids_this_run=["heartbeat"])
    assert kinds(queue.flush()).count("file_urls_response") == 1


def test_starting_it_again_wraps_nothing_twice() -> None:
    keep_awaited_answers_through_reruns()
    patched = ForwardMsgQueue.clear
    keep_awaited_answers_through_reruns()
    assert ForwardMsgQueue.clear is patched
    queue = queue_with_an_address_and_an_element()
    queue.clear(retain_lifecycle_msgs=True)
    assert kinds(queue.flush()) == ["file_urls_response"]


def test_arguments_given_by_position_are_understood_and_passed_on() -> None:
    keep_awaited_answers_through_reruns()
    queue = queue_with_an_address_and_an_element()
    queue.clear(True, ["heartbeat"])  # retain_lifecycle_msgs, fragment_ids_this_run
    assert kinds(queue.flush()).count("file_urls_response") == 1
    queue = queue_with_an_address_and_an_element()
    queue.clear(True)
    assert kinds(queue.flush()) == ["file_urls_response"]
