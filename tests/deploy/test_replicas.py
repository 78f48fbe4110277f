"""Three replicas behind HAProxy agree: they share PostgreSQL and Redis and nothing else.

Each replica is `uvicorn app.main:app` with the shipped model, its own process and its own
data directory (tests/deploy/cluster.py). HAProxy balances round-robin and names the replica
that answered in `X-Served-By`, so each check below proves that the requests it relies on did
land on different replicas. The last test kills a replica: keep it last.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import string
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.deploy.cluster import SERVED_BY, Cluster, haproxy_binary, running_cluster
from tests.fake_platform import FakePlatform
from tests.webhooks.test_routes import CREDENTIALS, SECRETS, payload, signed

pytestmark = pytest.mark.integration

# A budget of 6 requests, refilled at 6 a minute: three replicas counting alone would let 18
# through. Only callers from outside are limited (loopback is the operator's own scripts),
# so the rest of this module's traffic, from 127.0.0.1, spends nothing.
RATE_PER_MINUTE, BURST = 6, 6
REFRESH_S = 2.0  # TRIAGE_TENANT_REFRESH_S, the default
OUTSIDE = "203.0.113.{}"  # TEST-NET-3: a caller HAProxy forwards in X-Forwarded-For
ENV = {
    "TRIAGE_RATE_LIMIT_PER_MINUTE": str(RATE_PER_MINUTE),
    "TRIAGE_RATE_LIMIT_BURST": str(BURST),
    "TRIAGE_TENANT_REFRESH_S": str(REFRESH_S),
    "TRIAGE_WEBHOOK_ALLOW_INSECURE_HOSTS": '["127.0.0.1"]',
    "TRIAGE_WEBHOOK_POLL_SECONDS": "0.2",
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    haproxy = haproxy_binary()
    if haproxy is None:
        pytest.skip("haproxy is not installed (make balancer-deps, as root, installs it)")
    with running_cluster(tmp_path_factory.mktemp("replicas"), haproxy, env=ENV) as running:
        yield running


@pytest.fixture
def run() -> str:
    """A tag for this test's ids: the module's tests share one database."""
    return "".join(random.choices(string.ascii_lowercase, k=8))


def served_by(response: httpx.Response) -> str:
    return response.headers[SERVED_BY]


def letters(n: int) -> str:
    """A token the redaction leaves alone (long digit runs could look like phone numbers)."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(n))


# A customer writes about one order three times in a week; in the third conversation, polite
# turns sour. The same turns to one replica and spread over three must raise the same triggers.
EARLIER_CONTACTS = [
    "Hi, my order hasn't arrived yet, could you check where it is?",
    "Hello again, still no sign of my order. Can someone look into it?",
]
THIRD_CONTACT = [
    "Thank you so much for your help, that's wonderful news!",
    "Hmm, the tracking page still says nothing though.",
    "This is getting really frustrating, nobody tells me anything.",
    "This is absolutely unacceptable!! Worst service ever, I am furious.",
]


def converse(client: httpx.Client, tag: str) -> list[tuple[str | None, set[str]]]:
    """The customer's turns sent one after another: (replica if balanced, triggers) per turn."""
    customer = f"customer-{tag}"
    answers = []
    turns = [(f"{tag}-a", EARLIER_CONTACTS[0]), (f"{tag}-b", EARLIER_CONTACTS[1])]
    turns += [(f"{tag}-c", text) for text in THIRD_CONTACT]
    for conversation, text in turns:
        body = {"text": text, "conversation_id": conversation, "customer_id": customer}
        response = client.post("/v1/triage", json=body)
        assert response.status_code == 200, response.text
        triggers = {t["type"] for t in response.json()["escalation"]["triggers"]}
        answers.append((response.headers.get(SERVED_BY), triggers))
    return answers


def test_a_conversation_spread_over_replicas_raises_what_one_replica_raises(
    cluster: Cluster, run: str
) -> None:
    one = cluster.replicas[0]
    with httpx.Client(base_url=one.url, timeout=30) as direct:
        alone = [triggers for _, triggers in converse(direct, f"one-{run}")]
    with httpx.Client(base_url=cluster.url, timeout=30) as balanced:
        spread = converse(balanced, f"spread-{run}")
    replicas = [replica for replica, _ in spread]
    assert set(replicas) == {r.name for r in cluster.replicas}
    assert all(a != b for a, b in itertools.pairwise(replicas)), replicas
    assert [triggers for _, triggers in spread] == alone
    third = [triggers for _, triggers in spread[2:]]
    assert "repeated_contact" in third[0]  # the third contact in a week
    assert "worsening_sentiment" in third[-1]  # grateful, then furious


def test_the_rate_limit_is_one_budget_for_all_replicas(cluster: Cluster) -> None:
    # A key of its own, from an outside address: one bucket in Redis, whichever replica.
    headers = {
        "x-api-key": "tri_sk_replicas_" + uuid.uuid4().hex,
        "x-forwarded-for": OUTSIDE.format(random.randrange(1, 255)),
    }
    answers: list[tuple[int, str]] = []
    with httpx.Client(base_url=cluster.url, timeout=30, headers=headers) as client:
        started = time.monotonic()
        for n in range(3 * BURST):
            response = client.post("/v1/screen", json={"text": f"Where is order {letters(n)}?"})
            answers.append((response.status_code, served_by(response)))
        elapsed = time.monotonic() - started
    allowed = [replica for status, replica in answers if status == 200]
    refused = [replica for status, replica in answers if status == 429]
    assert len(allowed) + len(refused) == len(answers), answers
    assert [status for status, _ in answers[:BURST]] == [200] * BURST
    # Alone, each replica would have let its own BURST through: 3 * BURST in all.
    assert len(allowed) <= BURST + int(elapsed * RATE_PER_MINUTE / 60), answers
    assert set(refused) == {r.name for r in cluster.replicas}  # every replica said no


def test_a_new_bank_is_served_by_every_replica_within_the_refresh_interval(
    cluster: Cluster, run: str
) -> None:
    def bank_version(replica_url: str) -> str:
        body = {"text": "I want to speak to your manager, now!"}
        response = httpx.post(replica_url + "/v1/triage", json=body, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["bank_version"]

    before = {r.name: bank_version(r.url) for r in cluster.replicas}  # each has it cached now
    with httpx.Client(base_url=cluster.url, timeout=30) as client:
        bank = client.get("/v1/admin/bank").json()["bank"]
        published = client.put("/v1/admin/bank", json={**bank, "version": f"replicas-{run}"})
        assert published.status_code == 200, published.text
    assert published.json()["bank_version"] == f"replicas-{run}"
    assert f"replicas-{run}" not in before.values()
    # Every replica checked its cache at the latest when it answered above; one interval
    # later, the next message each one triages must use the new bank.
    time.sleep(REFRESH_S)
    after = {r.name: bank_version(r.url) for r in cluster.replicas}
    assert after == {r.name: f"replicas-{run}" for r in cluster.replicas}


@pytest.fixture
def helpdesk() -> Iterator[FakePlatform]:
    platform = FakePlatform().start()
    yield platform
    platform.stop()


def test_a_webhook_delivery_is_processed_exactly_once(
    cluster: Cluster, helpdesk: FakePlatform, run: str
) -> None:
    with httpx.Client(base_url=cluster.url, timeout=30) as client:
        connected = client.put(
            "/v1/admin/integrations/zendesk",
            json={
                "secret": SECRETS["zendesk"],
                "base_url": helpdesk.base_url,
                "credentials": CREDENTIALS["zendesk"],
            },
        )
        assert connected.status_code == 200, connected.text

    def deliver(body: bytes) -> httpx.Response:
        headers = {"content-type": "application/json", **signed("zendesk", body)}
        return httpx.post(
            cluster.url + "/v1/webhooks/zendesk/default", content=body, headers=headers, timeout=30
        )

    async def at_once(body: bytes, copies: int) -> list[httpx.Response]:
        return await asyncio.gather(*(asyncio.to_thread(deliver, body) for _ in range(copies)))

    # The helpdesk's retry storm: one delivery sent six times at once, twice to each replica.
    tickets = [f"{run}{n}" for n in range(7)]
    storm = asyncio.run(at_once(payload("zendesk", ticket=tickets[0]), 6))
    receipts = Counter((r.status_code, r.json()["status"]) for r in storm)
    assert receipts == {(202, "queued"): 1, (200, "duplicate"): 5}, receipts
    assert {served_by(r) for r in storm} == {r.name for r in cluster.replicas}
    assert len({r.json()["delivery"] for r in storm}) == 1
    # More tickets, each queued by the next replica; any replica's worker may take each one.
    for ticket in tickets[1:]:
        assert deliver(payload("zendesk", ticket=ticket)).status_code == 202

    with httpx.Client(base_url=cluster.url, timeout=30) as client:
        deadline = time.monotonic() + 60
        while True:
            listed = client.get("/v1/admin/integrations/zendesk/deliveries").json()["deliveries"]
            mine = [d for d in listed if d["ticket_id"] in tickets]
            if len(mine) == len(tickets) and all(d["status"] == "done" for d in mine):
                break
            assert time.monotonic() < deadline, mine
            time.sleep(0.2)
        # Five more poll intervals: a second worker that had taken a delivery too would
        # have written it back again by now.
        time.sleep(1.0)
        for ticket in tickets:
            # One note per ticket, and one turn in the ticket's conversation: triaged once.
            notes = helpdesk.made("PUT", f"/api/v2/tickets/{ticket}.json")
            assert len(notes) == 1, (ticket, notes)
            record = client.get(f"/v1/conversations/zendesk:{ticket}")
            assert record.status_code == 200, record.text
            assert len(record.json()["turns"]) == 1


def test_an_idempotent_retry_to_another_replica_replays_the_answer(
    cluster: Cluster, run: str
) -> None:
    key = str(uuid.uuid4())
    body = {"text": "Cancel my subscription, I have asked three times!", "conversation_id": run}
    with httpx.Client(base_url=cluster.url, timeout=30) as client:
        first = client.post("/v1/triage", json=body, headers={"Idempotency-Key": key})
        retry = client.post("/v1/triage", json=body, headers={"Idempotency-Key": key})
        other = client.post(
            "/v1/triage", json={**body, "text": "Something else"}, headers={"Idempotency-Key": key}
        )
        record = client.get(f"/v1/conversations/{run}")
    assert first.status_code == retry.status_code == 200
    assert len({served_by(first), served_by(retry), served_by(other)}) == 3
    assert retry.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert retry.json() == first.json()  # request_id included: the stored answer itself
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert len(record.json()["turns"]) == 1


@dataclass
class Sent:
    """One request of the load, as its client saw it."""

    conversation: str
    token: str
    sent: float
    answered: float
    status: int | None  # None: no answer at all
    replica: str | None
    stored: bool
    error: str = ""


LOAD_S, KILL_AT_S, CONCURRENCY, CONVERSATIONS = 6.0, 2.0, 8, 20


async def load_with_a_kill(cluster: Cluster, run: str) -> tuple[list[Sent], float, float]:
    """Conversation turns from CONCURRENCY clients; one replica SIGKILLed KILL_AT_S in.

    Returns every request, when the kill was sent, and when the replica was gone.
    """
    sent: list[Sent] = []
    counter = iter(range(1_000_000))
    started = time.monotonic()
    victim = cluster.replicas[1]
    moments: dict[str, float] = {}

    async def client_loop(client: httpx.AsyncClient) -> None:
        while time.monotonic() - started < LOAD_S:
            n = next(counter)
            token = f"{run}{letters(n)}"
            conversation = f"kill-{run}-{n % CONVERSATIONS}"
            body = {
                "text": f"My order is late again!! reference {token}",
                "conversation_id": conversation,
            }
            at = time.monotonic()
            status = replica = None
            stored = False
            error = ""
            try:
                response = await client.post("/v1/triage", json=body)
                status, replica = response.status_code, response.headers.get(SERVED_BY)
                stored = status == 200 and response.json()["conversation"]["stored"]
            except httpx.TransportError as exc:
                error = type(exc).__name__
            sent.append(
                Sent(conversation, token, at, time.monotonic(), status, replica, stored, error)
            )

    async def kill() -> None:
        await asyncio.sleep(KILL_AT_S)
        moments["kill"] = time.monotonic()
        await asyncio.to_thread(cluster.kill, victim)
        moments["gone"] = time.monotonic()

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=cluster.url, timeout=30, limits=limits) as client:
        await asyncio.gather(kill(), *(client_loop(client) for _ in range(CONCURRENCY)))
    return sent, moments["kill"], moments["gone"]


def test_killing_a_replica_mid_load_loses_no_acknowledged_turn(cluster: Cluster, run: str) -> None:
    victim = cluster.replicas[1].name
    counted = cluster.server_stats()
    sent, kill, gone = asyncio.run(load_with_a_kill(cluster, run))
    stats = cluster.server_stats()

    def taken_by(name: str) -> int:
        """Requests the balancer gave this replica and did not send on to another one."""
        new = {k: int(stats[name][k]) - int(counted[name][k]) for k in ("stot", "wredis")}
        return new["stot"] - new["wredis"]

    def answered_by(name: str) -> int:
        return sum(s.replica == name and s.status is not None and s.status < 500 for s in sent)

    failed = [s for s in sent if s.status is None or s.status >= 500]
    outstanding = [s for s in sent if s.sent < gone and s.answered > kill]
    never_answered = taken_by(victim) - answered_by(victim)
    later = [s for s in sent if s.sent > gone]
    print(
        f"replicas: {len(sent)} requests, {sum(s.stored for s in sent)} turns acknowledged; "
        f"{victim} killed with {never_answered} of its requests in flight; "
        f"clients saw {len(failed)} failures "
        f"({dict(Counter(s.status or s.error for s in failed))}); {len(later)} requests sent "
        f"after, all answered by {sorted({s.replica for s in later})}; "
        f"{int(stats[victim]['wredis']) - int(counted[victim]['wredis'])} refused connections "
        f"sent on to another replica"
    )
    assert answered_by(victim) > 0  # it was serving when it was killed
    # Clients saw errors only for the victim's requests in flight at the kill (HAProxy answers
    # 502, or closes a keep-alive connection so that the client may retry), no others...
    assert len(failed) == never_answered <= CONCURRENCY
    assert all(s in outstanding for s in failed), failed
    for other in cluster.replicas:
        if other.name != victim:
            assert taken_by(other.name) == answered_by(other.name)
    # ...and the requests sent once it was gone all went to the others.
    assert later and all(s.status == 200 and s.replica != victim for s in later)
    assert cluster.server_states()[victim] == "DOWN"

    acknowledged = [s for s in sent if s.stored]
    kept: set[str] = set()
    with httpx.Client(base_url=cluster.url, timeout=30) as client:
        for conversation in {s.conversation for s in acknowledged}:
            record = client.get(f"/v1/conversations/{conversation}")
            assert record.status_code == 200, record.text
            kept |= {t["text"].rsplit(" ", 1)[1] for t in record.json()["turns"] if t["text"]}
    assert [s.token for s in acknowledged if s.token not in kept] == []
