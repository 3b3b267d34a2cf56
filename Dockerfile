# The bot in a small image: runs as a non-root user, keeps its data in a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOT_DATA_DIR=/data

RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data && chown bot:bot /data && chmod 700 /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY content ./content
RUN pip install --no-cache-dir -e . && python -m bot check

USER bot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
