from django.views.generic import TemplateView


class HomeView(TemplateView):
    """The portal's front page: what the scheme is and where each kind of user starts."""

    template_name = "home.html"
