# The bot in a small image: runs as a non-root user, data and keys in separate volumes.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOT_DATA_DIR=/data \
    BOT_KEYS_DIR=/keys

RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data /keys && chown bot:bot /data /keys && chmod 700 /data /keys

WORKDIR /app
# Exactly the locked versions, each checked against its hash (regenerate: see docs/deploy.md).
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY bot ./bot
COPY flows ./flows
COPY content ./content
RUN python -m bot check

USER bot
VOLUME ["/data", "/keys"]
# Healthy only while polling succeeds (or the webhook server answers): see docs/deploy.md.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "telegram"]
