"""The NinjaAPI: routers of every app are mounted here."""

from ninja import NinjaAPI

api = NinjaAPI(title="OpenSRM API", version="1", urls_namespace="api-v1", docs_url="/docs")
