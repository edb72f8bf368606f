from . import urls_assignment, urls_complaints, urls_onsite, urls_pool, urls_scoring

app_name = "review"

urlpatterns = [
    *urls_pool.urlpatterns,
    *urls_assignment.urlpatterns,
    *urls_scoring.urlpatterns,
    *urls_onsite.urlpatterns,
    *urls_complaints.urlpatterns,
]
