"""Run the GitLab stand-in by hand: ``python -m tests.gitlab_standin [--port 9200]``.

Then point the registry at it, e.g.
``SVA_REGISTRY_GITLAB_API_URL=http://127.0.0.1:9200/api/v4 sva-registry crawl --all``.
"""

from __future__ import annotations

import argparse
import threading

from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import build_opencode_projects


def main() -> None:
    parser = argparse.ArgumentParser(description="GitLab REST stand-in (openCode projects)")
    parser.add_argument("--port", type=int, default=9200)
    args = parser.parse_args()
    standin = GitLabStandIn(build_opencode_projects()).start(args.port)
    print(f"GitLab stand-in on {standin.api_url} (Ctrl+C stops it)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
