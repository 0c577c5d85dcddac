"""Exit 0 when the PostgreSQL and Redis URLs given both answer, so `make test` knows to use them."""

from __future__ import annotations

import sys

import redis
import sqlalchemy


def main(database_url: str, redis_url: str) -> int:
    try:
        with sqlalchemy.create_engine(database_url).connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "not available here"
        print(f"not available: {type(error).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
