"""Crawl cost benchmark : requests, 304s and rate-limit points per repository.

Serves generated module repositories from the GitHub stand-in on loopback and measures, in one
run:
1. the first crawl of every repository (ETags stored, per-tag facts cached),
2. an unchanged re-crawl (target: only 304s, 0 points, <= 2 requests per repository),
3. a re-crawl after a new tag was pushed to every tenth repository,
4. a plain PyGithub crawl without ETags or caches (first and again), for comparison;
5. the real app repository (144 tags) crawled as today and with its source read (GraphQL
   operations per tag, the CHANGELOG): the extra requests, first crawl and re-crawl.
The stand-in counts requests on the server side; the crawler's own tally must agree.

    .venv/bin/python benchmarks/crawl.py [--repos 1000] [--max-tags 10] [--forge gitlab]

``--forge gitlab``: the same on the GitLab stand-in (see ``gitlab_main``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
# Run as a script, benchmarks/ comes first on sys.path, where a sibling script could shadow a
# standard module (benchmarks/http.py would shadow http); import from the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawlers.appsource import SourceRules  # noqa: E402
from crawlers.base import CrawlerSettings, CrawlStats, KnownState, RepositorySnapshot  # noqa: E402
from crawlers.github import GitHubCrawler, plain_crawl  # noqa: E402
from crawlers.gitlab import GitLabCrawler  # noqa: E402
from tests.github_standin.app_sources import OTHER_ENDPOINTS  # noqa: E402
from tests.github_standin.model import Commit, fake_sha  # noqa: E402
from tests.github_standin.server import GitHubStandIn  # noqa: E402
from tests.github_standin.sva import APP, build_sva_repos, generated_repo  # noqa: E402
from tests.gitlab_standin.server import GitLabStandIn  # noqa: E402


@dataclass
class Phase:
    name: str
    repos: int
    requests: int
    not_modified: int
    points: int
    seconds: float
    server_requests: int

    def row(self) -> str:
        per = self.requests / self.repos
        return (
            f"{self.name:<34} {self.requests:>8} {self.not_modified:>7} {self.points:>8} "
            f"{per:>9.2f} {self.points / self.repos:>9.2f} {self.server_requests:>8} "
            f"{self.seconds:>7.1f}s"
        )


def first_crawl_budget(snapshot: RepositorySnapshot, known: KnownState) -> int:
    """The crawl budget: 4 per repository + 2 per new tag + 1 per file whose content changed.

    Lists longer than one page cost one request per extra page; that is added here.
    """
    known_files = known.known_files()
    new_files = {
        file.blob_sha
        for sha in snapshot.new_tag_facts
        for file in (snapshot.tag_facts[sha].metadata, snapshot.tag_facts[sha].license)
        if file is not None and file.blob_sha not in known_files
    }
    head_file = snapshot.head.metadata if snapshot.head else None
    if head_file is not None and head_file.blob_sha not in known_files:
        new_files.add(head_file.blob_sha)
    per_page = 100
    extra_pages = max(0, -(-len(snapshot.tags) // per_page) - 1)
    extra_pages += max(0, -(-len(snapshot.listed_releases) // per_page) - 1)
    return 4 + 2 * len(snapshot.new_tag_facts) + len(new_files) + extra_pages


def crawl_all(
    standin: GitHubStandIn,
    crawler: GitHubCrawler | GitLabCrawler,
    names: list[str],
    known: dict[str, KnownState],
    name: str,
) -> tuple[Phase, dict[str, RepositorySnapshot], int]:
    before = len(standin.request_log)
    total = CrawlStats()
    snapshots: dict[str, RepositorySnapshot] = {}
    over_budget = 0
    started = time.perf_counter()
    for full_name in names:
        state = known.get(full_name, KnownState())
        snapshot = crawler.crawl(full_name, state)
        snapshots[full_name] = snapshot
        total = total + snapshot.stats
        if snapshot.stats.requests > first_crawl_budget(snapshot, state):
            over_budget += 1
    seconds = time.perf_counter() - started
    phase = Phase(
        name,
        len(names),
        total.requests,
        total.not_modified,
        total.rate_limit_points,
        seconds,
        len(standin.request_log) - before,
    )
    return phase, snapshots, over_budget


def plain_all(
    standin: GitHubStandIn, settings: CrawlerSettings, names: list[str], name: str
) -> Phase:
    before = len(standin.request_log)
    started = time.perf_counter()
    for full_name in names:
        plain_crawl(settings, full_name)
    seconds = time.perf_counter() - started
    log = standin.request_log[before:]
    not_modified = sum(1 for r in log if r.status == 304)
    return Phase(
        name, len(names), len(log), not_modified, len(log) - not_modified, seconds, len(log)
    )


def push_new_tags(standin: GitHubStandIn, names: list[str]) -> int:
    pushed = 0
    for full_name in names[::10]:
        repo = standin.repo(full_name)
        newest = repo.commits[repo.tags[0][1]]
        sha = fake_sha("pushed", full_name)
        standin.add_tag(
            full_name, "v2.0.0", Commit(sha, "2026-09-01T00:00:00Z", dict(newest.files))
        )
        pushed += 1
    return pushed


def app_sources() -> tuple[list[tuple[str, int, int]], bool]:
    """The app repository crawled first and again, without and with its source read."""
    app = next(r for r in build_sva_repos() if r.full_name == APP)
    standin = GitHubStandIn([app]).start()
    standin.set_rate_limit(10**9, limit=10**9)
    crawler = GitHubCrawler(CrawlerSettings(api_url=standin.url))
    rules = SourceRules(exclude=OTHER_ENDPOINTS)
    rows = []
    try:
        for label, sources in (("app, as today", None), ("app, source read", rules)):
            first = crawler.crawl(APP, KnownState(), sources=sources)
            again = crawler.crawl(APP, first.known_state(), sources=sources)
            rows.append((f"{label}: first crawl", first.stats.requests, first.stats.not_modified))
            rows.append((f"{label}: re-crawl", again.stats.requests, again.stats.not_modified))
        documents = len(first.files)
    finally:
        crawler.close()
        standin.stop()
    # The extra requests of reading the source: one per distinct query document and one for
    # the CHANGELOG; the re-crawl stays at 2 answered 304.
    ok = rows[2][1] - rows[0][1] == documents + 1 and rows[3][1] == rows[1][1] == 2
    rows.append(("  distinct query documents read", documents, 0))
    return rows, ok


def gitlab_main(repo_count: int, max_tags: int) -> int:
    """The same phases on the GitLab stand-in (projects in nested groups, as on openCode).

    GitLab answers no 304s: every request costs a rate-limit point, so the target is the
    request count. New tags are pushed while ``last_activity_at`` has not moved yet (GitLab
    updates it at most hourly); the catch-up crawl after it moved is measured too.
    """
    names = [f"bench/kommune-{i % 40:02d}/module-{i:04d}" for i in range(repo_count)]
    repos = [
        generated_repo(n, repo_id=30000 + i, tags=1 + i % max_tags, metadata_every=3)
        for i, n in enumerate(names)
    ]
    tag_count = sum(len(r.tags) for r in repos)
    standin = GitLabStandIn(repos).start()
    standin.set_rate_limit(10**9, limit=10**9, reset=2**31 - 1)
    crawler = GitLabCrawler(CrawlerSettings(api_url=standin.api_url))
    try:
        first, snapshots, first_over = crawl_all(standin, crawler, names, {}, "first crawl")
        known = {n: s.known_state() for n, s in snapshots.items()}
        unchanged, again, _ = crawl_all(standin, crawler, names, known, "unchanged re-crawl")
        max_unchanged = max(s.stats.requests for s in again.values())
        for name in names:
            standin.freeze_activity(name)
        pushed = push_new_tags(standin, names)
        changed, after, changed_over = crawl_all(
            standin, crawler, names, known, f"re-crawl, {pushed} new tags"
        )
        found = sum(1 for s in after.values() if s.new_tag_facts)
        standin._frozen_activity.clear()
        known = {n: s.known_state() for n, s in after.items()}
        catch_up, _, _ = crawl_all(
            standin, crawler, names, known, "catch-up (last_activity_at moved)"
        )
    finally:
        crawler.close()
        standin.stop()
    print(f"GitLab: {repo_count} projects, {tag_count} tags (1..{max_tags} per project)")
    columns = ("requests", "304s", "points", "req/repo", "pts/repo", "server", "time")
    widths = (8, 7, 8, 9, 9, 8, 8)
    print(f"{'phase':<34} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for phase in (first, unchanged, changed, catch_up):
        print(phase.row())
    print()
    print(f"first crawl: projects over the crawl budget: {first_over}")
    print(
        f"re-crawl with new tags: {found} of {pushed} new tags found, over budget: {changed_over}"
    )
    print(f"unchanged re-crawl: max requests per project {max_unchanged} (target <= 2)")
    ok = first_over == 0 and changed_over == 0 and max_unchanged <= 2 and found == pushed
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--max-tags", type=int, default=10, help="repository i has 1 + i %% N tags")
    parser.add_argument("--forge", choices=("github", "gitlab"), default="github")
    args = parser.parse_args(argv)
    if args.forge == "gitlab":
        return gitlab_main(args.repos, args.max_tags)

    names = [f"bench/module-{i:04d}" for i in range(args.repos)]
    repos = [
        generated_repo(n, repo_id=20000 + i, tags=1 + i % args.max_tags, metadata_every=3)
        for i, n in enumerate(names)
    ]
    tag_count = sum(len(r.tags) for r in repos)
    standin = GitHubStandIn(repos).start()
    standin.set_rate_limit(10**9, limit=10**9)
    settings = CrawlerSettings(api_url=standin.url)
    crawler = GitHubCrawler(settings)
    try:
        first, snapshots, first_over = crawl_all(
            standin, crawler, names, {}, "first crawl (ETags + cache)"
        )
        known = {n: s.known_state() for n, s in snapshots.items()}
        unchanged, again, _ = crawl_all(standin, crawler, names, known, "unchanged re-crawl")
        max_unchanged = max(s.stats.requests for s in again.values())
        unchanged_points = sum(s.stats.rate_limit_points for s in again.values())
        pushed = push_new_tags(standin, names)
        changed, _, changed_over = crawl_all(
            standin, crawler, names, known, f"re-crawl, {pushed} new tags"
        )
        plain_first = plain_all(standin, settings, names, "plain PyGithub crawl")
        plain_again = plain_all(standin, settings, names, "plain PyGithub crawl again")
    finally:
        crawler.close()
        standin.stop()

    print(f"{args.repos} repositories, {tag_count} tags (1..{args.max_tags} per repository)")
    columns = ("requests", "304s", "points", "req/repo", "pts/repo", "server", "time")
    widths = (8, 7, 8, 9, 9, 8, 8)
    print(f"{'phase':<34} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for phase in (first, unchanged, changed, plain_first, plain_again):
        print(phase.row())
    print()
    print(f"first crawl: repositories over the crawl budget: {first_over}")
    print(f"re-crawl with new tags: repositories over budget: {changed_over}")
    print(
        f"unchanged re-crawl: max requests per repository {max_unchanged} (target <= 2), "
        f"points {unchanged_points} (target 0)"
    )
    print(
        f"rate-limit points, unchanged re-crawl vs plain PyGithub re-crawl: "
        f"{unchanged.points} vs {plain_again.points}"
    )
    print(f"requests, first crawl vs plain PyGithub: {first.requests} vs {plain_first.requests}")
    app_rows, app_ok = app_sources()
    print()
    print(f"{'real app repository (stand-in)':<40} {'requests':>8} {'304s':>7}")
    for label, requests, not_modified in app_rows:
        print(f"{label:<40} {requests:>8} {not_modified:>7}")
    print(
        f"extra requests of reading the app's source: {app_rows[2][1] - app_rows[0][1]} first, "
        f"{app_rows[3][1] - app_rows[1][1]} re-crawl"
    )
    ok = first_over == 0 and changed_over == 0 and max_unchanged <= 2 and unchanged_points == 0
    ok = ok and app_ok
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
