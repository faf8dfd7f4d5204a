# tobira service image: `docker build -t tobira .` (docs/DEPLOY.md).
# Debian bookworm with Debian's Python 3.11 (security updates come with the distribution).
# Two stages: the build stage installs the pinned dependencies into a virtual environment; the
# runtime stage has Python, that environment and tini, and runs as an unprivileged user. No
# resident data is written inside the image: the database and Redis are separate services.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends python3 python3-venv python3-dev gcc \
       libc6-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# an inspecting proxy's CA for pip, when the build network needs one (deploy/ca/README.md)
COPY deploy/ca/ /usr/local/share/ca-certificates/extra/
RUN update-ca-certificates >/dev/null 2>&1
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY handoff ./handoff
COPY pii ./pii
COPY locales ./locales
RUN python3 -m venv /opt/tobira \
    && /opt/tobira/bin/pip install -q --no-cache-dir --upgrade pip \
    && /opt/tobira/bin/pip install -q --no-cache-dir . \
    && /opt/tobira/bin/tobira --help >/dev/null

FROM ${BASE_IMAGE}
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends python3 tini ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin tobira
COPY --from=build /opt/tobira /opt/tobira
ENV PATH=/opt/tobira/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TOBIRA_LOCALES_DIR=/opt/tobira/share/tobira/locales
USER tobira
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["/usr/bin/tini", "--", "tobira"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
