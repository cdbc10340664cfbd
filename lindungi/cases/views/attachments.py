"""Filled in by its capability."""

urlpatterns = []
