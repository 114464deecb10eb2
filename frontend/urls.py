from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.views import public

app_name = "frontend"

urlpatterns = [
    path("", public.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="frontend/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    # Django 5 accepts only POST here, so a link or a prefetch cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("challenges/<int:challenge_id>/", public.challenge_detail, name="challenge_detail"),
]
