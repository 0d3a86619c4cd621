"""Share the pilot with the partner: offer, 3-line script and tracked link as plain text."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_pilot_page_offers_the_text_to_paste(owner_client, pilot):
    response = owner_client.get(reverse("pilots:detail", args=[pilot.code]))
    share = response.context["share"]
    assert share.splitlines()[0] == pilot.offer
    for line in pilot.script_lines():
        assert line in share
    assert f"http://testserver/r/{pilot.tracking_code}" in share
    assert f"Code: {pilot.tracking_code}" in share
    assert "<textarea" in response.content.decode()


def test_whatsapp_and_email_links_carry_the_same_text(owner_client, pilot):
    context = owner_client.get(reverse("pilots:detail", args=[pilot.code])).context
    whatsapp = urlsplit(context["share_whatsapp"])
    assert (whatsapp.scheme, whatsapp.netloc) == ("https", "wa.me")
    assert parse_qs(whatsapp.query)["text"] == [context["share"]]
    email = urlsplit(context["share_email"])
    assert email.scheme == "mailto"
    assert parse_qs(email.query)["body"] == [context["share"]]


def test_the_share_text_is_escaped_in_the_page(owner_client, pilot):
    pilot.offer = "<script>alert(1)</script>"
    pilot.save()
    body = owner_client.get(reverse("pilots:detail", args=[pilot.code])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
