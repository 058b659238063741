"""Run the GitHub stand-in by hand: ``python -m tests.github_standin [--port 9100]``.

Then point the registry at it, e.g.
``SVA_REGISTRY_GITHUB_API_URL=http://127.0.0.1:9100 sva-registry crawl --all``.
"""

from __future__ import annotations

import argparse
import threading

from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import build_sva_repos


def main() -> None:
    parser = argparse.ArgumentParser(description="GitHub REST stand-in serving the real SVA data")
    parser.add_argument("--port", type=int, default=9100)
    args = parser.parse_args()
    standin = GitHubStandIn(build_sva_repos()).start(args.port)
    print(f"GitHub stand-in on {standin.url} (Ctrl+C stops it)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
