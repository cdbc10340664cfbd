"""Start-up checks for encrypted personal data (docs/architecture.md, rule 3)."""

from django.apps import apps
from django.core import checks

from lindungi.core import crypto
from lindungi.core.blind_index import Searchable, searchable_fields


def validate_keys():
    """Refuse to start with a malformed, repeated or shared key.

    Called from CoreConfig.ready(), so the web server, the worker and every command stop
    at once with ImproperlyConfigured naming the variable, instead of failing on the
    first read or, worse, encrypting new data under a key nobody kept.
    """
    crypto.keyring.cache_clear()
    crypto.keyring()


@checks.register(checks.Tags.models)
def check_searchable_models(app_configs, **kwargs):
    """A field declared ``search=`` on a model that never writes tokens would find nothing."""
    return [
        checks.Error(
            f"{field.column_label} declares search={field.search!r}, but "
            f"{model._meta.label} does not inherit lindungi.core.blind_index.Searchable, "
            "so its index would never be written.",
            obj=model,
            id="lindungi.E001",
        )
        for model in apps.get_models()
        if not issubclass(model, Searchable)
        for field in searchable_fields(model)
    ]
