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
        page_register("vendor_dashboard", lambda: reverse("frontend:vendor_dashboard"))
        page_register("verification_queue", lambda: reverse("frontend:coordinator_verifications"))
        page_register(
            "organization_members",
            lambda *, organization_id: reverse(
                "frontend:organization_members", kwargs={"organization_id": organization_id}
            ),
        )
        page_register(
            "vendor_members",
            lambda *, vendor_id: reverse("frontend:vendor_members", kwargs={"vendor_id": vendor_id}),
        )
        page_register("vendor_register", lambda: reverse("frontend:vendor_register"))
        page_register(
            "evaluation",
            lambda *, challenge_id: reverse("frontend:evaluation", kwargs={"challenge_id": challenge_id}),
        )
        page_register(
            "debrief",
            lambda *, submission_id: reverse(
                "frontend:submission_debrief", kwargs={"submission_id": submission_id}
            ),
        )
