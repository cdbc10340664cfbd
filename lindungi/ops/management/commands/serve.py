"""``lindungi serve``: the production HTTP server (gunicorn), never Django's runserver."""

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from lindungi import config


class _Server(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        from lindungi.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Lindungi with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=config.raw("LINDUNGI_BIND") or "127.0.0.1:8000")
        parser.add_argument(
            "--workers", type=int, default=config.integer("LINDUNGI_WORKERS", 3, 1, 64)
        )

    def handle(self, *args, bind, workers, **options):
        _Server(
            {
                "bind": bind,
                "workers": workers,
                "threads": 4,
                # Access logs would carry URLs and client addresses; the app logs requests
                # itself, without personal data.
                "accesslog": None,
                "errorlog": "-",
                "timeout": 60,
                "graceful_timeout": 20,
                # gunicorn's control socket lives in one place per user
                # ($XDG_RUNTIME_DIR/gunicorn.ctl): a second instance on the host would take
                # it over, and stopping either would remove it for both. Nothing uses it.
                "control_socket_disable": True,
            }
        ).run()
