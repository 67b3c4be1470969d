"""scripts/html_forms.py: the POST forms of a page as a browser would submit them (smoke and load tests)."""

from scripts.html_forms import form_for, post_forms

PAGE = """
<form method="get" action="/search/"><input name="q" value="ignored"></form>
<form method="post" action="/people/me/assessment/" class='x'>
  <input type="hidden" name="csrfmiddlewaretoken" value="t&amp;k">
  <input type="radio" name="c1-level" value="2">
  <input type="radio" name="c1-level" value="3" checked>
  <input type="checkbox" name="c1-grow" value="on" checked data-grow>
  <input type="checkbox" name="c2-grow" value="on">
  <input type="text" name="c1-note" value='says "hi" &lt;b&gt;' maxlength="1000">
  <input type="submit" name="action" value="submit">
  <select name="c1-target"><option value="">—</option><option value="4" selected>4</option></select>
  <select name="add"><option value="">Choose</option><option value="7">Seven</option></select>
  <textarea name="reason">
first line &amp; more <b>not a tag</b></textarea>
</form>
<form method="POST" action="/logout/"><input name="csrfmiddlewaretoken" value="other"></form>
"""


def test_reads_what_a_browser_submits():
    form = form_for(PAGE, "/people/me/assessment/")
    assert form.fields == [
        ("csrfmiddlewaretoken", "t&k"),
        ("c1-level", "3"),
        ("c1-grow", "on"),
        ("c1-note", 'says "hi" <b>'),
        ("c1-target", "4"),
        ("add", ""),
        ("reason", "first line & more <b>not a tag</b>"),
    ]
    assert form.options == {"c1-target": ["", "4"], "add": ["", "7"]}
    assert form.data({"action": "draft", "c1-level": "4"})[1] == ("c1-level", "4")
    assert form.data({"action": "draft"})[-1] == ("action", "draft")


def test_only_post_forms_and_the_one_asked_for():
    assert [form.action for form in post_forms(PAGE)] == ["/people/me/assessment/", "/logout/"]
    assert form_for(PAGE, "/elsewhere/") is None
    assert form_for(None, "/logout/") is None
