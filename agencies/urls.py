"""Officer pages under /agency/, and the trader's answer to an information request."""

from django.urls import path

from .views import disclaimed, queue, review, trader

app_name = "agencies"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("next/", queue.review_next, name="next"),
    path("decided/", queue.decided, name="decided"),
    path("disclaimed/", disclaimed.disclaimed_list, name="disclaimed"),
    path("disclaimed/<int:pk>/", disclaimed.disclaimed_detail, name="disclaimed_item"),
    path("reviews/<int:pk>/", review.review_detail, name="review"),
    path("reviews/<int:pk>/claim/", review.review_claim, name="claim"),
    path("reviews/<int:pk>/release/", review.review_release, name="release"),
    path("reviews/<int:pk>/assign/", review.review_assign, name="assign"),
    path("reviews/<int:pk>/inspections/", review.review_inspect, name="inspect"),
    path("reviews/<int:pk>/lane/", review.review_lane, name="lane"),
    path("inspections/<int:pk>/result/", review.inspection_result, name="inspection_result"),
    path("declarations/<int:pk>/respond/", trader.respond_view, name="respond"),
    path("declarations/<int:pk>/cancel/", trader.cancel, name="cancel"),
    path("declarations/<int:pk>/amend/", trader.amend, name="amend"),
]
