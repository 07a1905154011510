"""Per-channel rate limits as the services impose them, and the summary that replaces
what does not fit, so an alert storm reaches people as one message instead of vanishing.

WeCom and DingTalk allow 20 messages a minute per robot (DingTalk then blocks the robot
for ten minutes), Feishu 100 a minute and 5 a second; e-mail and webhooks have no limit
unless a channel's `rate_limit` sets one. The caller knows how many messages went to the
channel in the last 60 seconds (it reads its send log); `plan_sends` decides what goes out
now: everything if it fits, else the first ones one by one and ONE summary ("N more
alerts: …", every subject listed, every detail kept) in the last free slot, so the minute's
total never passes the limit. A summary is a message too: 25 alerts to a fresh DingTalk
robot are 19 messages and a summary of the other 6, not 20 and a summary the robot
refuses. With no free slot at all the messages are deferred, returned as such, never
dropped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from alerts.channels.config import SERVICE_LIMITS_PER_MINUTE, ChannelConfig
from alerts.message import Message

PER_SECOND = {"feishu": 5}


@dataclass(frozen=True)
class RateLimit:
    per_minute: int | None  # None: no limit
    per_second: int | None = None

    @property
    def spacing_s(self) -> float:
        """The pause between two sends that keeps within the per-second limit (10 % over
        the exact spacing: the service's clock and ours see the requests at slightly
        different moments)."""
        return 1.1 / self.per_second if self.per_second else 0.0


def rate_limit_for(channel: ChannelConfig) -> RateLimit:
    """The service's limit, or the channel's own `rate_limit` where that is lower."""
    service = SERVICE_LIMITS_PER_MINUTE.get(channel.type)
    limits = [n for n in (service, channel.rate_limit) if n is not None]
    return RateLimit(min(limits) if limits else None, PER_SECOND.get(channel.type))


@dataclass(frozen=True)
class Outgoing:
    """One message to send now. `covers`: the positions in the due list it carries (one,
    or several for a summary)."""

    message: Message
    covers: tuple[int, ...]
    summary: bool = False


@dataclass(frozen=True)
class SendPlan:
    send: tuple[Outgoing, ...]
    deferred: tuple[int, ...]  # positions that must wait: the minute's limit is used up
    limit: RateLimit


def summarize(messages: Sequence[Message], reason: str = "") -> Message:
    """ONE message standing for several: the subjects listed first (so a robot's length
    cut never hides which alerts there were), then each message's own text; attachments
    and data all kept."""
    n = len(messages)
    head = f"{n} more alerts" + (f" ({reason})" if reason else "")
    subjects = [m.subject for m in messages]
    text = (f"{head}:\n" + "\n".join(f"- {s}" for s in subjects) + "\n\n"
            + "\n\n".join(f"{m.subject}\n{m.text}" for m in messages))
    markdown = (f"**{head}:**\n\n" + "\n".join(f"- {s}" for s in subjects) + "\n\n---\n\n"
                + "\n\n---\n\n".join(m.markdown for m in messages))
    page = None
    if any(m.html is not None for m in messages):
        items = "".join(f"<li>{html.escape(s)}</li>" for s in subjects)
        bodies = "<hr>".join(m.html if m.html is not None
                             else f"<pre>{html.escape(m.text)}</pre>" for m in messages)
        page = f"<p><b>{html.escape(head)}:</b></p><ul>{items}</ul><hr>{bodies}"
    return Message(
        subject=f"{n} more alerts: " + "; ".join(subjects),
        text=text, markdown=markdown, html=page,
        attachments=tuple(a for m in messages for a in m.attachments),
        data={"summary": True, "count": n, "subjects": subjects,
              "alerts": [m.data for m in messages]},
    )


def plan_sends(channel: ChannelConfig, due: Sequence[Message],
               sent_last_minute: int = 0) -> SendPlan:
    """What to send to `channel` now, given the messages due and how many messages went
    to it in the last 60 s."""
    limit = rate_limit_for(channel)
    everything = tuple(Outgoing(m, (i,)) for i, m in enumerate(due))
    if limit.per_minute is None or len(due) <= limit.per_minute - sent_last_minute:
        return SendPlan(everything, (), limit)
    room = limit.per_minute - max(0, sent_last_minute)
    if room <= 0:
        return SendPlan((), tuple(range(len(due))), limit)
    single = everything[:room - 1]
    rest = tuple(range(room - 1, len(due)))
    reason = f"{channel.type} allows {limit.per_minute} messages a minute"
    merged = Outgoing(summarize([due[i] for i in rest], reason), rest, summary=True)
    return SendPlan((*single, merged), (), limit)
