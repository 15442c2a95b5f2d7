"""gunicorn settings for one web host: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every value can be overridden from the environment (the systemd unit reads
/etc/sourcewise/sourcewise.env), so the same file serves a 2-core VM and a 32-core host.
The app keeps no state in process memory that another process must see (DESIGN 10): sessions
are signed cookies, rate limits live in Redis (REDIS_URL), the outbox and search changes in
PostgreSQL, so workers and hosts can be added or removed freely.
"""

from __future__ import annotations

import multiprocessing
import os

# Listen on loopback or a private interface only; the load balancer / reverse proxy in front
# terminates TLS and must set X-Forwarded-For/-Proto (then set PROXY_HOPS=1 in the env file).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: the app is CPU-bound (templates, search scoring) with short DB calls. The
# classic 2 x cores + 1; fewer when the host also runs the outbox worker or PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Threads > 1 switches to gthread: useful when requests wait on slow SMTP/Stripe calls.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request taking longer than this is killed and logged; searches take milliseconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep-alive a little longer than the load balancer's idle timeout is usually recommended.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then to bound memory growth (jitter avoids all restarting at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# Load the app in each worker (not the master) so database pools and search searchers are
# never shared across a fork.
preload_app = False

# Request size limits mirror MAX_CONTENT_LENGTH; reject absurd headers early.
limit_request_line = 8190
limit_request_fields = 100

# Which proxies may set X-Forwarded-*: gunicorn's own check; the app's ProxyFix (PROXY_HOPS)
# decides how many hops to trust for the client address used by rate limits.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to stdout/stderr; journald (systemd) collects them.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# No query strings in access logs: search terms and tokens stay out of log files.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

proc_name = "sourcewise-web"
