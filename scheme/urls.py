app_name = "scheme"

urlpatterns: list = []
