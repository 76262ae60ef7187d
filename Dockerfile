# cadreflow web / scheduler / migrate image: one image, the command picks the role (docker-compose.yml).

# The pages' browser libraries (bpmn-js's viewer and modeller), installed from package-lock.json with `npm ci`
# as `make` does; only the files the service serves (service/http/web/vendor.py) go into the image.
FROM node:20-slim AS web-assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The printable forms (WeasyPrint) lay out text with pango and need a CJK font for Chinese glyphs.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        fonts-noto-cjk && rm -rf /var/lib/apt/lists/*

# Dependencies first, from the hash-pinned production lock (`make lock`): this layer is reused until
# the lock changes.
COPY requirements-prod.lock ./
RUN pip install --require-hashes -r requirements-prod.lock

COPY pyproject.toml README.md ./
COPY workflows ./workflows
COPY service ./service
COPY bpmn ./bpmn
# Served from node_modules/ next to service/ (REPO_ROOT), as in a checkout.
COPY --from=web-assets /assets/node_modules/bpmn-js/dist ./node_modules/bpmn-js/dist
COPY --from=web-assets /assets/node_modules/camunda-bpmn-moddle/resources ./node_modules/camunda-bpmn-moddle/resources
# Editable install: the code finds bpmn/ next to service/ (REPO_ROOT), as in a checkout.
# --no-deps: every dependency came from the lock above.
RUN pip install --no-deps -e . && useradd --system --uid 10001 --home /app cadreflow \
    && mkdir -p /app/var /tmp/prometheus && chown -R cadreflow /app/var /tmp/prometheus

USER cadreflow

# Overridden per service in docker-compose.yml; the default is the web server.
ENV CADREFLOW_BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=2).status == 200 else 1)"
CMD ["gunicorn", "--config", "python:service.observability.gunicorn_conf", "service.wsgi:app"]
