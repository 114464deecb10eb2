from django.apps import AppConfig
from django.urls import reverse


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        from hub.links import page_register

        page_register(
            "challenge",
            lambda *, challenge_id: reverse(
                "frontend:challenge_detail", kwargs={"challenge_id": challenge_id}
            ),
        )
        page_register("invitation", lambda *, key: reverse("frontend:invitation_accept", kwargs={"key": key}))
