app_name = "scheme-api"

urlpatterns: list = []
