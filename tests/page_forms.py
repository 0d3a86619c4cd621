"""The forms of a page, filled in the way a browser submits them: hidden inputs (the
workspace, the values a form was loaded with, its one-time token), the checked boxes, the
selected options and the text as shown. Tests change a few fields and post the rest as is."""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import HttpResponse


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._select: str | None = None
        self._multiple = False
        self._options: list[str] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        name = attrs.get("name")
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append((attrs.get("action", ""), {}))
            return
        if tag == "option" and self._select and self.forms:
            self._options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self.forms[-1][1][self._select].append(attrs.get("value", ""))
            return
        if not self.forms or not name:
            return
        fields = self.forms[-1][1]
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "reset"):
            values = fields.setdefault(name, [])
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                values.append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = name
            fields[name] = [""]
        elif tag == "select":
            self._select, self._multiple, self._options = name, "multiple" in attrs, []
            fields[name] = []

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            chosen = self.forms[-1][1][self._select]
            if not chosen and not self._multiple and self._options:
                chosen.append(self._options[0])  # a browser sends the first option
        if tag == "textarea" and self._textarea and self.forms:
            # Browsers send a text area's line breaks as CR LF, whatever the page had.
            value = self.forms[-1][1][self._textarea]
            value[0] = value[0].replace("\r\n", "\n").replace("\n", "\r\n")
        if tag in ("select", "textarea"):
            self._select = self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            value = self.forms[-1][1][self._textarea]
            # Browsers drop the newline right after <textarea> (Django's widget writes one).
            value[0] += data[1:] if not value[0] and data.startswith("\n") else data


def form_on(
    response: HttpResponse, having: str | None = None, *, action: str | None = None
) -> tuple[str, dict[str, list[str]]]:
    """(action, data) of the page's POST form that has a field named `having` (or that posts
    to `action`); the action is the page's own address when the form has none."""
    assert response.status_code == 200, response.status_code
    parser = _Forms()
    parser.feed(response.content.decode())
    page = response.wsgi_request.get_full_path()
    for form_action, fields in parser.forms:
        if (having is None or having in fields) and (action is None or form_action == action):
            return form_action or page, fields
    raise AssertionError(f"no form with {having or action!r} on the page")
