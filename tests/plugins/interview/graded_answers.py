"""A small set of interview answers written for these tests and graded by hand (1-10), best
first per question, with the traps the offline scorer used to fall into: rubric recitation,
hedged rambling, synonyms instead of the question's words, labelled sections, fluent answers
to another question."""

from __future__ import annotations

CONFLICT = "Tell me about a time you disagreed with your manager."
DEBUG = "How would you debug a slow API endpoint?"
FAILURE = "Tell me about a time you failed."
DESIGN = "Design a URL shortener."
LRU = "How would you implement an LRU cache?"
DEADLINE = "Tell me about a time you had to deliver under a tight deadline."
STAKEHOLDER = "Your product manager asks for a feature that you think will hurt users. " \
              "What do you do?"

CLASHED = (
    "At Contoso in 2022 my lead and I clashed over whether to rewrite our billing service or "
    "patch it. He wanted a full rewrite in Go; I pushed back because we had three enterprise "
    "renewals in six weeks. I pulled the incident data and showed that 80% of failures came "
    "from one retry loop, then I proposed a two-week fix with a rewrite planned for Q3. We "
    "argued it out in a one-on-one and he agreed to the trial. The fix cut billing incidents "
    "from 12 a month to 2, all three renewals closed, and we started the rewrite in Q3 with "
    "real data. I learned to bring numbers, not opinions, when I push back.")
CONFLICT_VAGUE = (
    "I usually get along with everyone, but sometimes there are disagreements. When that "
    "happens I try to communicate openly and find a compromise, because at the end of the day "
    "we all want the same thing. I think communication is really key in those situations.")
CONFLICT_OFF_TOPIC = (
    "Last year at Fabrikam I led the migration of our payment service to Kubernetes. I wrote "
    "the Helm charts, set up the canary pipeline and moved 40 services over eight weeks. As a "
    "result deploy time fell from 45 minutes to 6 and we had zero downtime during the move.")
CONFLICT_FILLER = (
    "Basically, I usually just, like, do what my manager says. i mean, he is the manager so "
    "it's kind of his call, you know. we didn't really disagree.")

DEBUG_STRUCTURED = (
    "First I would measure: check the p95 latency of the endpoint in Grafana and find when it "
    "regressed. Then I would trace one slow request end to end with OpenTelemetry to see where "
    "the time goes. In a similar case last year the trace showed 180 ms in a single Postgres "
    "query, so I ran EXPLAIN ANALYZE, found a sequential scan on 4 million rows and added a "
    "composite index. Latency dropped from 900 ms to 120 ms. Finally I would add an alert on "
    "p95 so the next regression is caught the same day.")
DEBUG_RAMBLING = (
    "Well it could be a lot of things really. It could be the database, it could be the "
    "network, it could be the code itself, maybe it is the cache or maybe there is no cache. "
    "It could be that the server is overloaded or maybe it is something with the load "
    "balancer, or it could be DNS, it is sometimes DNS. I guess I would look at things and "
    "see what is slow. It could also be the frontend actually, sometimes the frontend is "
    "slow and people think it is the API. Or it could be that there are too many requests, "
    "or maybe the requests are too big, or maybe the database is slow because of the "
    "queries, it could be the queries. Basically there are a lot of possibilities and I "
    "would kind of go through them one by one and see which one it is. It could be any of "
    "them really, it depends on the system and the situation and what is going on at the "
    "time. I would just try to figure it out by looking at everything and checking "
    "everything until I find what it is, and then I would fix it. That is basically how I "
    "would approach it, it could be anything so you have to check everything.")
DEBUG_RUBRIC = (
    "My approach would be to first understand the problem and the requirements. I would "
    "consider the edge cases and think about the trade-offs. For example, I would look at the "
    "different aspects of the system. I would communicate clearly with stakeholders and make "
    "sure everyone is aligned. Finally I would make sure the solution is scalable and robust.")

FAILURE_STRONG = (
    "Situation: At Northwind I owned the nightly data export for our 30 largest customers.\n"
    "Task: I had to move it from cron to Airflow before our old server was retired.\n"
    "Action: I rewrote the job as an Airflow DAG but skipped a dry run against production "
    "data. The first night the export silently dropped rows with null region codes. I caught "
    "it from a customer ticket the next morning, rolled back, wrote a test for null fields "
    "and re-ran the exports by noon.\n"
    "Result: 4 customers got late files; none churned, and I added a row-count check that has "
    "caught two similar bugs since. I learned to dry-run every migration on real data.")
FAILURE_SYNONYM = (
    "Two years ago I made a mistake that took down checkout at Tailspin for 40 minutes. I "
    "pushed a config change without a canary because I thought it was trivial. When the "
    "errors spiked I rolled it back, wrote the postmortem and added a mandatory canary step to "
    "our deploy script. We have had no config outages since, and I now treat every change as "
    "risky until a canary says otherwise.")
FAILURE_WEAK = (
    "I don't really fail that much to be honest. I am a perfectionist so I make sure "
    "everything is done right. Maybe once something was late but it was not my fault.")

DESIGN_LABELLED = (
    "Scale: 100M new URLs a month, a 100:1 read to write ratio, so about 40k reads per "
    "second at peak.\n"
    "API: POST /urls returns a 7-character code; GET /{code} answers a 301 redirect.\n"
    "Data model: a key-value table code -> long URL in DynamoDB, with the creation date.\n"
    "Components: a stateless API behind a load balancer, Redis in front of the table for hot "
    "codes, and a CDN for redirects.\n"
    "Trade-offs: base62 counters are short but guessable; random codes need a collision check "
    "but leak nothing, so I would pick random codes.")
DESIGN_THIN = (
    "I would use a database to store the URLs and a service to redirect. We would need to "
    "think about scale and make it fast. Caching would help a lot.")

LRU_STRONG = (
    "I would combine a hash map with a doubly linked list, because lookups and moves must "
    "both be O(1). On get, I move the node to the front; on put, I insert at the front and "
    "evict the tail when the size exceeds the capacity. Edge cases: a capacity of 0, and "
    "updating an existing key. For example, with capacity 2, put a, put b, get a, put c "
    "evicts b. The trade-off is extra memory for the pointers; alternatively an ordered dict "
    "gives the same behaviour.")
LRU_THIN = "I would use a cache and remove old things when it gets full."

STAKEHOLDER_GOOD = (
    "First I would ask the product manager what problem the feature solves and how we will "
    "measure it. Then I would bring the evidence I have: for example, if it adds a step to "
    "signup, our last test showed each extra step cost about 8% of signups. I would propose a "
    "smaller version behind a feature flag for 10% of users, agree on the metric up front, "
    "and let the data decide after two weeks.")
STAKEHOLDER_VAGUE = (
    "I would communicate my concerns and try to understand their perspective. It is "
    "important to collaborate and find the best solution for the users and the business.")

# question -> [(grade, answer)], best first.
GRADED: dict[str, list[tuple[int, str]]] = {
    CONFLICT: [(9, CLASHED), (3, CONFLICT_VAGUE), (2, CONFLICT_OFF_TOPIC),
               (1, CONFLICT_FILLER)],
    DEBUG: [(9, DEBUG_STRUCTURED), (3, DEBUG_RAMBLING), (2, DEBUG_RUBRIC)],
    FAILURE: [(9, FAILURE_STRONG), (8, FAILURE_SYNONYM), (2, FAILURE_WEAK)],
    DESIGN: [(9, DESIGN_LABELLED), (3, DESIGN_THIN)],
    LRU: [(9, LRU_STRONG), (2, LRU_THIN)],
    STAKEHOLDER: [(8, STAKEHOLDER_GOOD), (3, STAKEHOLDER_VAGUE)],
}
CATEGORY = {CONFLICT: "behavioral", DEBUG: "technical", FAILURE: "behavioral",
            DESIGN: "system_design", LRU: "technical", STAKEHOLDER: "situational"}
