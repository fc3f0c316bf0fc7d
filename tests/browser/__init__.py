"""Real-browser tests: headless Chromium with a fake camera drives the running app.

Run them alone with ``uv run pytest -m browser`` (they are part of the plain ``uv run pytest``).

* Chromium: Debian's ``/usr/bin/chromium``, or the executable named by ``CHROMIUM_PATH``,
  driven by Playwright (``playwright install`` is not needed).
* Camera: Y4M clips written by ``tests/clips.py`` from ``tests/imagery.py`` and looped by
  Chromium's fake capture device.
* Server: ``streamlit run`` in a subprocess on a free loopback port, with no Vlens settings
  (demo mode, embedded simulator) and ``VLENS_TEST_NO_ICE=1`` (no STUN/TURN, loopback only).
* Output: screenshots per step in ``artifacts/screenshots/<test>/``, server logs in
  ``artifacts/logs/`` (both git-ignored).
* No browser: the tests skip with the reason, except under CI (env ``CI`` true), where they fail.
* ``test_webrtc_smoke`` checks WebRTC itself with a throwaway page, apart from the app, so a
  browser or WebRTC problem is told apart from an app problem.
"""
