from django.urls import path

from . import people, sessions, views, your_account

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("me/", your_account.your_account, name="your-account"),
    path("me/password/", your_account.change_password, name="change-password"),
    path("session/", sessions.session_status, name="session"),
    path("session/stay-signed-in/", sessions.stay_signed_in, name="stay-signed-in"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("reset/done/", views.password_reset_complete, name="password-reset-complete"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/link/<uidb64>/<token>/", views.two_factor_link, name="two-factor-link"),
    path("users/", people.user_list, name="user-list"),
    path("users/invite/", people.user_invite, name="user-invite"),
    path("users/<int:pk>/", people.user_detail, name="user-detail"),
    path("invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
]
