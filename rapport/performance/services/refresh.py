"""Refreshing posts' figures from the platforms: the "Refresh" button on a post, and the
periodic refresh of every live or reported collaboration's posts.

Each refresh reads the platform through the post's connection (the creator's own first, then
the brand's) and records what it shows as a snapshot of source ``api`` dated today in the
workspace's time zone, through :func:`~rapport.performance.services.snapshots.record_snapshot`
(refreshing twice a day updates that day's snapshot). YouTube videos are read fifty per call.
On the way, the creators' follower counts on that platform are brought up to date (once a day),
through the creators' own service, which also recomputes their tier.

A post that cannot be read keeps the reason on ``fetch_error`` (shown on its page) until a
refresh succeeds. A refused credential marks the connection too; a platform that keeps asking
to slow down pauses the connection until the moment it names. Calls are made outside any
transaction; each post's result is written on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.creators.models import SocialAccount
from rapport.creators.services import AccountData, save_account
from rapport.performance.connectors import instagram, youtube
from rapport.performance.connectors.http import (
    ConnectorError,
    ItemProblem,
    PlatformClient,
    Unreachable,
    Wire,
)
from rapport.performance.models import MetricSource, PlatformConnection, Post, Provider
from rapport.performance.queries.connections import (
    active_connections,
    due_posts,
    pick,
    usable_connection,
)
from rapport.performance.services.connections import api_client, note_failure, note_success
from rapport.performance.services.snapshots import record_snapshot
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User

# Posts the periodic task reads per run; the rest wait for the next run.
BATCH_POSTS = 200
# A creator's follower count is read at most this often.
FOLLOWERS_EVERY = dt.timedelta(days=1)


@dataclass
class RefreshReport:
    """How a refresh went: posts refreshed, posts that failed, follower counts updated."""

    refreshed: int = 0
    failed: int = 0
    followers: int = 0

    def __iadd__(self, other: RefreshReport) -> RefreshReport:
        self.refreshed += other.refreshed
        self.failed += other.failed
        self.followers += other.followers
        return self


def refresh_post(post: Post, *, actor: User | None, wire: Wire | None = None) -> Post:
    """Read ``post``'s figures from its platform now (whenever it was last read), and return it
    with its new state: ``last_fetched_at`` on success, ``fetch_error`` otherwise.

    Raises ``ValidationError({"post": why})`` when no connection can read it."""
    connection = usable_connection(post)
    if connection is None:
        raise ValidationError({"post": no_connection_reason(post)})
    _refresh(connection, [post], actor=actor, wire=wire)
    post.refresh_from_db(fields=["external_id", "last_fetched_at", "fetch_error", "fetch_error_at"])
    return post


def no_connection_reason(post: Post) -> str:
    """Why ``post`` cannot be refreshed from its platform, in the user's words."""
    if post.platform not in Provider.values:
        return _("Figures for %(platform)s posts are entered or imported, not refreshed.") % {
            "platform": post.get_platform_display()
        }
    return _(
        "No working %(platform)s connection: an owner adds one (or switches it back on) on the "
        "platform connections page; a paused one works again once its pause ends."
    ) % {"platform": Provider(post.platform).label}


def refresh_due(*, limit: int = BATCH_POSTS, wire: Wire | None = None) -> RefreshReport:
    """Refresh up to ``limit`` of the posts due (see
    :func:`~rapport.performance.queries.connections.due_posts`), grouped by connection."""
    now = timezone.now()
    posts = list(due_posts(now=now)[:limit])
    connections = active_connections({p.workspace_id for p in posts}, now=now)
    groups: dict[int, tuple[PlatformConnection, list[Post]]] = {}
    report = RefreshReport()
    for post in posts:
        connection = pick(connections, post, now=now)
        if connection is None:
            # Its only connection's credential no longer reads back: say so, try again later.
            _fail(post, no_connection_reason(post))
            report.failed += 1
            continue
        groups.setdefault(connection.pk, (connection, []))[1].append(post)
    for connection, group in groups.values():
        report += _refresh(connection, group, actor=None, wire=wire)
    return report


def _refresh(
    connection: PlatformConnection, posts: Sequence[Post], *, actor: User | None, wire: Wire | None
) -> RefreshReport:
    """Read ``posts`` (all on the connection's platform) and the follower counts of their
    creators through ``connection``; store every outcome."""
    report = RefreshReport()
    pending = list(posts)
    today = timezone.localdate(timezone=zone(connection.workspace.time_zone or "UTC"))
    try:
        with api_client(connection, wire=wire) as api:
            read = _read_youtube if connection.provider == Provider.YOUTUBE else _read_instagram
            for post, outcome in read(api, connection, list(pending)):
                pending.remove(post)
                stored = (
                    _store(post, outcome, today, actor)
                    if isinstance(outcome, dict)
                    else _fail(post, outcome)
                )
                report.refreshed += stored
                report.failed += not stored
            creators = {post.collaboration.creator_id for post in posts}
            report.followers = _refresh_followers(api, connection, creators)
    except ConnectorError as exc:
        note_failure(connection, exc)
        for post in pending:
            _fail(post, exc.message)
        report.failed += len(pending)
    else:
        note_success(connection)
    return report


Read = Iterable[tuple[Post, dict[str, int | None] | str]]


def _read_youtube(api: PlatformClient, connection: PlatformConnection, posts: list[Post]) -> Read:
    """Each post with its figures, or why there are none; fifty videos per call."""
    ids: dict[int, str] = {}
    for post in list(posts):
        video = post.external_id or youtube.video_id(post.url)
        if youtube.VIDEO_ID.match(video):
            ids[post.pk] = video
        else:
            yield (
                post,
                _(
                    "No YouTube video id in this post's address: give the video's address (such "
                    "as https://youtu.be/…) or its id."
                ),
            )
    readable = [post for post in posts if post.pk in ids]
    for start in range(0, len(readable), youtube.BATCH):
        chunk = readable[start : start + youtube.BATCH]
        statistics = youtube.video_statistics(api, sorted({ids[p.pk] for p in chunk}))
        for post in chunk:
            figures = statistics.get(ids[post.pk])
            if figures is None:
                yield (
                    post,
                    _(
                        "YouTube does not show this video: it was removed or made private, or its "
                        "id is wrong."
                    ),
                )
                continue
            if post.external_id != ids[post.pk]:
                _keep_external_id(post, ids[post.pk])
            yield post, figures


def _read_instagram(api: PlatformClient, connection: PlatformConnection, posts: list[Post]) -> Read:
    """Each post with its insights, or why there are none; one call per post (two the first
    time, when its media id is looked up by its shortcode)."""
    for post in list(posts):
        try:
            media_id = _media_id(api, connection, post)
            figures = instagram.media_insights(api, media_id, posted_at=post.posted_at)
        except ItemProblem as exc:
            yield post, exc.message
        else:
            yield post, figures


def _media_id(api: PlatformClient, connection: PlatformConnection, post: Post) -> str:
    """The post's numeric media id: its ``external_id``, else found by the shortcode of its
    address among the connected account's media (and kept on the post)."""
    if instagram.is_media_id(post.external_id):
        return post.external_id
    code = post.external_id or instagram.shortcode(post.url)
    if not code:
        raise ItemProblem(
            _(
                "No Instagram post code in this post's address: give the post's address (such "
                "as https://www.instagram.com/p/…/) or its media id."
            )
        )
    media_id = (
        instagram.find_media_id(api, connection.account_id, code) if connection.account_id else ""
    )
    if not media_id:
        raise ItemProblem(
            _(
                "This post is not among the connected Instagram account's posts: connect the "
                "creator's own account, or give the post's media id."
            )
        )
    _keep_external_id(post, media_id)
    return media_id


def _keep_external_id(post: Post, value: str) -> None:
    post.external_id = value
    Post.objects.filter(pk=post.pk).update(external_id=value)


def _store(post: Post, figures: dict[str, int | None], today: dt.date, actor: User | None) -> bool:
    """Record the figures as today's API snapshot and clear the post's error."""
    try:
        record_snapshot(
            post=post, collected_on=today, source=MetricSource.API, values=figures, actor=actor
        )
    except ValidationError:
        return _fail(post, _("The platform gave no figures for this post."))
    post.last_fetched_at, post.fetch_error, post.fetch_error_at = timezone.now(), "", None
    Post.objects.filter(pk=post.pk).update(
        last_fetched_at=post.last_fetched_at, fetch_error="", fetch_error_at=None
    )
    return True


def _fail(post: Post, message: str) -> bool:
    """Keep why the post could not be read (shown on its page until a refresh succeeds)."""
    post.fetch_error, post.fetch_error_at = message, timezone.now()
    Post.objects.filter(pk=post.pk).update(
        fetch_error=post.fetch_error, fetch_error_at=post.fetch_error_at
    )
    return False


def _refresh_followers(
    api: PlatformClient, connection: PlatformConnection, creator_ids: set[int]
) -> int:
    """Bring the creators' follower counts on the connection's platform up to date (those not
    updated in the last day); returns how many changed. An account the platform does not show
    is skipped; a refused credential or a rate limit stops the refresh like for posts."""
    stale = timezone.now() - FOLLOWERS_EVERY
    accounts = (
        SocialAccount.objects.filter(creator_id__in=creator_ids, platform=connection.provider)
        .filter(Q(last_updated__isnull=True) | Q(last_updated__lte=stale))
        .select_related("creator__workspace")
    )
    changed = 0
    for account in accounts:
        try:
            count = _followers(api, connection, account)
        except (ItemProblem, Unreachable):
            continue
        if count is None or count == account.followers:
            continue
        data = AccountData(
            platform=account.platform,
            handle=account.handle,
            url=account.url,
            followers=count,
            average_views=account.average_views,
            engagement_rate=account.engagement_rate,
        )
        try:
            save_account(creator=account.creator, actor=None, data=data, account=account)
        except ValidationError:
            continue
        changed += 1
    return changed


def _followers(
    api: PlatformClient, connection: PlatformConnection, account: SocialAccount
) -> int | None:
    """What the platform shows as the account's followers (``None`` when it cannot say)."""
    if connection.provider == Provider.YOUTUBE:
        channel_id = youtube.channel_id_in(account.url)
        if not channel_id and not account.handle:
            return None
        return youtube.channel_subscribers(api, handle=account.handle, channel_id=channel_id)
    if not connection.account_id:
        return None
    if connection.creator_id == account.creator_id:
        return instagram.account_followers(api, connection.account_id)[1]
    if connection.creator_id is None and account.handle:
        return instagram.business_followers(api, connection.account_id, account.handle)
    return None
