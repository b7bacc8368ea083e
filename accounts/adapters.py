from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through a county administrator's invitation."""

    def is_open_for_signup(self, request):
        return False
