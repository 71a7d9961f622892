# The MOOC regulations assistant as a Telegram bot.
#   docker build -t mooc-bot .
#   docker run -d --name mooc-bot -e TELEGRAM_BOT_TOKEN=123:abc -e ADMIN_USER_IDS=12345 -v mooc-data:/data mooc-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DB_PATH=/data/bot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY bot.py config.py ./
COPY core ./core
COPY calculators ./calculators
COPY frontends ./frontends
COPY storage ./storage
COPY knowledge ./knowledge
RUN python -m compileall -q -j 0 /app

# LINE's webhook (when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set). The rich-menu font ships in
# frontends/line/fonts/ (a subset of Noto Sans CJK TC, OFL), so no font package is needed.
EXPOSE 8080
COPY scripts/healthcheck.py ./scripts/healthcheck.py
# GET /healthz when LINE is configured, otherwise the heartbeat file the bot touches every 30 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "scripts/healthcheck.py"]

RUN useradd --create-home --uid 10001 bot && mkdir -p /data && chown bot:bot /data
USER bot
VOLUME ["/data"]

# Fails the build if the knowledge base is invalid.
RUN python bot.py check > /dev/null

CMD ["python", "bot.py"]
