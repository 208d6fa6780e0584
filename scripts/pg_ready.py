"""Exit 0 when the PostgreSQL server in argv[1] (an SQLAlchemy asyncpg URL) accepts a query."""

import asyncio
import sys

import asyncpg


async def main(url: str) -> int:
    try:
        connection = await asyncpg.connect(
            url.replace("postgresql+asyncpg", "postgresql"), timeout=3
        )
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return 1
    await connection.execute("SELECT 1")
    await connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
