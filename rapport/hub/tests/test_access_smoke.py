from django.test import Client

from rapport.testing.factories import CollaborationFactory


def test_a_hub_link_opens_its_collaboration_and_a_forged_one_does_not(db, hub_path):
    collaboration = CollaborationFactory(campaign__name="Spring Glow")
    path = hub_path(collaboration)
    answer = Client().get(path)
    assert answer.status_code == 200
    assert "Spring Glow" in answer.content.decode()
    assert answer["Referrer-Policy"] == "no-referrer"
    forged = path[:-2] + ("0/" if path[-2] != "0" else "1/")
    assert Client().get(forged).status_code == 404
