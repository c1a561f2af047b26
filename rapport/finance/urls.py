"""Finance pages under /w/<ws>/finance/ (namespace ``finance``)."""

from rapport.finance import views

app_name = "finance"
urlpatterns = [*views.urls]
