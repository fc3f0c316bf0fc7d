# syntax=docker/dockerfile:1
# Vlens capture app: Streamlit on port 8501, non-root, dependencies installed from uv.lock.
#
#   docker build -t vlens-capture .
#   docker run --rm -p 8501:8501 vlens-capture                       # demo mode (embedded simulator)
#   docker run --rm -p 8501:8501 --env-file vlens.env vlens-capture  # VLENS_* variables
#   docker run --rm -p 8501:8501 \
#     -v "$PWD/secrets.toml:/app/.streamlit/secrets.toml:ro" vlens-capture   # secrets file
#
# Camera access needs HTTPS off localhost and WebRTC needs a TURN server outside a LAN:
# see docs/deployment.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: resolve nothing, install exactly what uv.lock says -------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app

# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project

# Then the application itself (installed editable, so the `vlens-verify` CLI exists too).
COPY app.py ./
COPY components ./components
COPY pages ./pages
COPY .streamlit ./.streamlit
RUN uv sync --locked --no-dev

# ---- runtime: no uv, no build tools, code owned by root and read-only to the app user --------
FROM ${PYTHON_IMAGE} AS runtime

# The OpenCV-headless, PyAV and aiortc wheels bundle their native libraries; they need only
# glibc, libstdc++, libgcc and zlib, which the slim image already has. No apt packages.
RUN groupadd --system --gid 10001 vlens \
 && useradd --system --uid 10001 --gid vlens --create-home --home-dir /home/vlens vlens

WORKDIR /app
COPY --from=build /app /app

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    LOG_FORMAT=json \
    TMPDIR=/dev/shm
# TMPDIR in memory: the app keeps uploads out of temporary files (components/upload_memory.py);
# should any library still make one, it lands in RAM, not on the image's disk.

# Secrets: mount a file at /app/.streamlit/secrets.toml, or pass VLENS_* environment variables
# (they override the file). With neither, the app runs in demo mode against its simulator.
USER 10001:10001
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["streamlit", "run", "app.py"]
