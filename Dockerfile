# The MOOC regulations assistant as a Telegram bot.
#   docker build -t mooc-bot .
#   docker run -d --name mooc-bot -e TELEGRAM_BOT_TOKEN=123:abc -e ADMIN_USER_IDS=12345 -v mooc-data:/data mooc-bot
#
# The base image is pinned by digest: python:3.11-slim (Python 3.11.16 on Debian trixie), the multi-platform
# index digest. To move to a newer one: `docker buildx imagetools inspect python:3.11-slim`, copy its Digest
# here, rebuild, run the tests.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

# Bytecode is compiled below, at build time; nothing writes .pyc files at run time.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DB_PATH=/data/bot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib

# tini runs as PID 1: it passes docker stop's SIGTERM to the bot at once (from the first instant) and reaps children.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Every package at the version and with the file hashes of the lock file (scripts/lock.sh regenerates it).
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY bot.py bootstrap.py config.py logsetup.py regexcache.py ./
COPY lang ./lang
COPY rules ./rules
COPY core ./core
COPY frontends ./frontends
COPY storage ./storage
COPY knowledge ./knowledge
RUN python -m compileall -q /app

# LINE's webhook (when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set). The rich-menu font ships in
# frontends/line/fonts/ (a subset of Noto Sans CJK TC, OFL), so no font package is needed.
EXPOSE 8080
COPY scripts/healthcheck.py ./scripts/healthcheck.py
# GET /healthz when LINE is configured, otherwise the heartbeat file the bot touches every 30 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "scripts/healthcheck.py"]

RUN useradd --create-home --uid 10001 bot && mkdir -p /data && chown bot:bot /data && chmod 700 /data
USER bot
VOLUME ["/data"]

# Refuses to build on an invalid knowledge base; the build log shows every problem as file:line: message.
RUN python bot.py check

ENTRYPOINT ["tini", "--"]
CMD ["python", "bot.py"]
