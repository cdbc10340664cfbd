"""The JSON API at /api/v1/ (django-ninja): thin routers over the apps' actions."""
